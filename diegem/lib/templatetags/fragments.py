"""`{% versioned_fragment "name" %}…{% endversioned_fragment %}`: a part of a page that is the
same for every reader of its address, kept by the content version (`diegem.lib.caching`), so a
signed-in reader, whom the page cache never serves, gets it without making it again (after the
first reader since the last change, who makes it)."""

from django import template
from django.contrib.auth.models import AnonymousUser

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


class _CsrfToken:
    """Stands in for the reader's CSRF token inside a fragment: a fragment that asks for one
    belongs to one reader and is made again with the real token, never kept."""

    def __init__(self):
        self.asked = False

    def __str__(self):
        self.asked = True
        return ""


class VersionedFragmentNode(template.Node):
    """Rendered as any reader would see it: `user`, `perms` and `messages` are an anonymous
    reader's inside it, so nothing of the signed-in reader can be kept for others."""

    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        token = _CsrfToken()

        def render():
            with context.push(user=AnonymousUser(), perms=None, messages=(), csrf_token=token):
                output = self.nodelist.render(context)
            if token.asked:
                raise _PerReader
            return output

        try:
            return cached_fragment(str(self.name.resolve(context)), request, render)
        except _PerReader:
            return self.nodelist.render(context)


class _PerReader(Exception):
    """The fragment asked for something of this reader's (their CSRF token)."""
