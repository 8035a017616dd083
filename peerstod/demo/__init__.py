"""The demo: fictional organisations, people and a year of work, created through the
services as a user would (`peerstod demo`; refused without DEBUG unless forced)."""
