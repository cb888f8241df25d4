"""Reading HTML responses in tests."""

import lxml.html


def parse(response):
    assert response["Content-Type"].startswith("text/html"), response["Content-Type"]
    return lxml.html.fromstring(response.content.decode())


def texts(tree, xpath: str) -> list[str]:
    return [" ".join(node.text_content().split()) for node in tree.xpath(xpath)]


def links(tree) -> set[str]:
    return {node.get("href") for node in tree.xpath("//a[@href]")}


def form_values(response, form_id: str) -> dict:
    """What a browser would submit for the form as rendered (before the user changes it)."""
    form = parse(response).xpath(f"//form[@id='{form_id}']")[0]
    data: dict = {}
    for element in form.xpath(".//input[@name] | .//select[@name] | .//textarea[@name]"):
        name = element.get("name")
        if element.tag == "input":
            kind = element.get("type", "text")
            if kind in ("checkbox", "radio"):
                if element.get("checked") is not None:
                    data.setdefault(name, []).append(element.get("value", "on"))
                continue
            if kind in ("submit", "button", "file"):
                continue
            data.setdefault(name, []).append(element.get("value", ""))
        elif element.tag == "select":
            chosen = element.xpath(".//option[@selected]/@value")
            if element.get("multiple") is not None:
                data.setdefault(name, []).extend(chosen)
            else:
                data.setdefault(name, []).append(
                    chosen[0] if chosen else (element.xpath(".//option/@value") or [""])[0]
                )
        else:
            data.setdefault(name, []).append(element.text or "")
    return {name: values if len(values) != 1 else values[0] for name, values in data.items()}


def textarea(tree, name: str) -> str:
    """The text of a textarea as a browser shows it (without the newline that may follow the tag)."""
    text = tree.xpath(f"//textarea[@name='{name}']")[0].text or ""
    return text[1:] if text.startswith("\n") else text
