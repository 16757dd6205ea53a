"""Replies' Markdown: the author's line breaks kept, code highlighted with a label and a Copy target, nothing live."""

from desktop.core.markdown import COPY_SCHEME, render_markdown

POEM = "Roses are red\nViolets are blue\nSugar is sweet"


def test_single_newlines_stay_line_breaks():
    html = render_markdown(POEM).html
    assert html.count("<br />") == 2 and html.count("<p>") == 1


def test_code_blocks_are_highlighted_labelled_and_copyable():
    rendered = render_markdown("Try this:\n\n```python\ndef f(x):\n    return x  # done\n```\n\nand `inline()` too")
    assert rendered.code_blocks == ("def f(x):\n    return x  # done\n",)
    assert ">python</span>" in rendered.html and f'href="{COPY_SCHEME}:0"' in rendered.html
    assert '<span style="color: #008000; font-weight: bold">def</span>' in rendered.html  # Pygments' colours
    assert '<code style="background-color:' in rendered.html and "inline()" in rendered.html
    plain = render_markdown("```python\nx = 1\n```", plain=True)
    assert plain.html == "<pre>x = 1</pre>" and "Copy" not in plain.html


def test_an_unknown_language_and_an_open_fence_still_render_as_code():
    streaming = render_markdown("Here:\n\n```klingon\nqapla'")
    assert streaming.code_blocks == ("qapla'",) and ">klingon</span>" in streaming.html
    assert "qapla&#x27;" in streaming.html or "qapla'" in streaming.html


def test_model_output_cannot_inject_html_or_dangerous_links():
    html = render_markdown('<img src="file:///etc/passwd"> [x](javascript:alert(1)) ![y](file:///etc/hosts)').html
    assert "<img" not in html and "&lt;img" in html  # raw HTML is shown as text
    assert 'href="javascript' not in html  # the link stays text
