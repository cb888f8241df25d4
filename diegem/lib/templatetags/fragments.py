"""Parts of a page that are the same for every reader, kept by the content version
(`diegem.lib.caching`), so that a signed-in reader, whom the page cache never serves, gets them
without making them again (after the first reader since the last change, who makes them).

- `{% versioned_fragment "name" %}…{% endversioned_fragment %}`: a part of the page at this
  address (the home page's content);
- `{% shared_fragment "name" key… %}…{% endshared_fragment %}`: a part that is the same on every
  page showing it, kept by its name and keys (a note in a margin, by its id);
  `{% shared_fragment "name" key… if condition %}` keeps it only while `condition` holds (a case
  page's parts, while the case is public) and otherwise makes it for this reader alone.
"""

from django import template

from diegem.lib.caching import CsrfMarker, as_any_reader, cached_fragment, join_with_token

register = template.Library()


@register.tag("versioned_fragment")
def do_versioned_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument: the fragment's name")
    nodelist = parser.parse(("endversioned_fragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, parser.compile_filter(bits[1]), keys=None)


@register.tag("shared_fragment")
def do_shared_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes the fragment's name and at least one key"
        )
    condition = None
    if "if" in bits:
        if bits.index("if") != len(bits) - 2 or len(bits) < 5:
            raise template.TemplateSyntaxError(
                f"{bits[0]}: 'if' comes last, before one variable: … key if condition"
            )
        condition = parser.compile_filter(bits[-1])
        bits = bits[:-2]
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    return FragmentNode(
        nodelist,
        parser.compile_filter(bits[1]),
        keys=[parser.compile_filter(bit) for bit in bits[2:]],
        condition=condition,
    )


class FragmentNode(template.Node):
    """Rendered as any reader would see it: `user`, `perms` and `messages` are an anonymous
    reader's inside it, so nothing of the signed-in reader can be kept for others."""

    def __init__(self, nodelist, name, keys, condition=None):
        self.nodelist, self.name, self.keys, self.condition = nodelist, name, keys, condition

    def render(self, context):
        request = context.get("request")
        if request is None or (self.condition is not None and not self.condition.resolve(context)):
            return self.nodelist.render(context)

        def render() -> list[str]:
            marker = CsrfMarker()  # only when made: a kept part needs none
            with context.push(**as_any_reader(marker)):
                return self.nodelist.render(context).split(marker.value)

        keys = None if self.keys is None else tuple(key.resolve(context) for key in self.keys)
        # Asked again once made: what it was made from may say otherwise (read in between).
        still = None if self.condition is None else (lambda: self.condition.resolve(context))
        pieces = cached_fragment(
            str(self.name.resolve(context)), request, render, parts=keys, still=still
        )
        return join_with_token(pieces, lambda: str(context.get("csrf_token", "")))
