"""Form widgets that stay fast with long lists.

`Checkboxes` is Django's `CheckboxSelectMultiple` with the same markup, built in Python
instead of through three templates per option: a network's meeting invites a thousand
peer supporters, and rendering their boxes through the templates took 0.5 s of the page
(measured on the national data set, docs/dev/benchmarks.md). `tests/test_widgets.py`
checks that the markup is Django's own.
"""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _attributes(attrs: dict) -> SafeString:
    """As django/forms/widgets/attrs.html: False left out, True as a bare name."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _option(option: dict) -> SafeString:
    value = option["value"]
    box = format_html(
        '<input type="{}" name="{}"{}{}>\n',
        option["type"],
        option["name"],
        format_html(' value="{}"', value) if value is not None else "",
        _attributes(option["attrs"]),
    )
    if not option["wrap_label"]:
        return box + "\n"
    target = option["attrs"].get("id")
    return format_html(
        "<label{}>{} {}</label>\n",
        format_html(' for="{}"', target) if target else "",
        box,
        option["label"],
    )


class Checkboxes(forms.CheckboxSelectMultiple):
    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        own = widget["attrs"]
        parts = []
        for group, options, _index in widget["optgroups"]:
            boxes = "".join(f"<div>\n    {_option(option)}\n</div>" for option in options)
            if group:
                parts.append(format_html("\n  <div><label>{}</label>", group))
                parts.append(mark_safe(boxes))  # noqa: S308 - every part escaped above
                parts.append("\n  </div>")
            else:
                parts.append(mark_safe(boxes))  # noqa: S308 - every part escaped above
        return mark_safe(  # noqa: S308 - built from format_html parts only
            format_html(
                "<div{}{}>",
                format_html(' id="{}"', own["id"]) if own.get("id") else "",
                format_html(' class="{}"', own["class"]) if own.get("class") else "",
            )
            + "".join(parts)
            + "\n</div>"
        )
