"""`{% versioned_fragment "name" %}…{% endversioned_fragment %}`: a part of a page that is the
same for every reader of its address, kept by the content version (`diegem.lib.caching`), so a
signed-in reader, whom the page cache never serves, gets it without making it again."""

from django import template

from diegem.lib.caching import cached_fragment

register = template.Library()


@register.tag("versioned_fragment")
def do_versioned_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument: the fragment's name")
    nodelist = parser.parse(("endversioned_fragment",))
    parser.delete_first_token()
    return VersionedFragmentNode(nodelist, parser.compile_filter(bits[1]))


class VersionedFragmentNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        return cached_fragment(
            str(self.name.resolve(context)), request, lambda: self.nodelist.render(context)
        )
