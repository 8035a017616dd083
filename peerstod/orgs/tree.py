"""The organisation tree, walked one way: a network or region at the root, its
administrations and units' organisations below (`Organisation.parent`)."""

from __future__ import annotations

from collections import defaultdict

from peerstod.orgs.models import Organisation

Parents = dict[int, int | None]


def parents() -> Parents:
    """Every organisation's parent id, in one query (for walks over many)."""
    return dict(Organisation.objects.values_list("id", "parent_id"))


def ancestor_ids(organisation_id: int, tree: Parents | None = None) -> list[int]:
    """The organisation itself, then its parent, up to the root."""
    tree = parents() if tree is None else tree
    found: list[int] = []
    node: int | None = organisation_id
    while node is not None and node not in found:
        found.append(node)
        node = tree.get(node)
    return found


def descendant_ids(root_id: int, tree: Parents | None = None) -> set[int]:
    """The organisation itself and everything below it."""
    tree = parents() if tree is None else tree
    children: dict[int | None, list[int]] = defaultdict(list)
    for org_id, parent_id in tree.items():
        children[parent_id].append(org_id)
    found: set[int] = set()
    stack = [root_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, ()))
    return found
