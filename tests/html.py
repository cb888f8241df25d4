"""Reading HTML responses in tests."""

import lxml.html


def parse(response):
    assert response["Content-Type"].startswith("text/html"), response["Content-Type"]
    return lxml.html.fromstring(response.content.decode())


def texts(tree, xpath: str) -> list[str]:
    return [" ".join(node.text_content().split()) for node in tree.xpath(xpath)]


def links(tree) -> set[str]:
    return {node.get("href") for node in tree.xpath("//a[@href]")}
