"""The print edition's own setting of a chapter: link policy, wrapped code, formulas as text,
citation numbers held together."""

from __future__ import annotations

from anthology.render.printing import (
    keep_citations_whole,
    link_policy,
    links_as_notes,
    math_as_text,
    number_lists,
    wrap_code,
)


def test_link_farm_labels_after_a_reference_are_dropped() -> None:
    body = (
        '<li>Smith J. Locks. 1990;3:1-9. [<a href="https://pubmed.example.org/1">PubMed</a>] '
        '[<a href="https://scholar.example.org/?q=1">Google Scholar</a>] '
        '[<a href="https://doi.example.org/10.1/x">DOI</a>]</li>'
    )
    out = links_as_notes(body)
    assert out == "<li>Smith J. Locks. 1990;3:1-9.</li>"


def test_a_link_a_reader_wants_gets_a_note_once() -> None:
    body = (
        '<p>See the <a href="https://canal.example.org/history">history</a> and again the '
        '<a href="https://canal.example.org/history">history</a>.</p>'
    )
    out = links_as_notes(body)
    assert out.count('<span class="link-note">https://canal.example.org/history</span>') == 1
    assert out.count('class="external-link"') == 2


def test_pointer_words_and_addresses_keep_their_text_without_a_note() -> None:
    body = (
        '<p>Read it <a href="https://a.example.org/x">here</a>, or at '
        '<a href="https://www.example.org/">www.example.org</a>; it is in '
        '<a href="https://pubmed.example.org/">PubMed</a> too.</p>'
    )
    out = links_as_notes(body)
    assert "link-note" not in out
    assert "Read it here, or at" in out and "in PubMed too" in out
    assert '<span class="address">www.example.org</span>' in out


def test_the_policy_is_data_with_reasons() -> None:
    policy = link_policy()
    assert "pubmed" in policy.drop and "google scholar" in policy.drop
    assert "here" in policy.text_only


def test_long_code_lines_wrap_with_a_continuation_mark() -> None:
    line = "result = compute(" + ", ".join(f"argument_{n}" for n in range(12)) + ")"
    body = f'<pre class="code"><code>x = "a" -&gt; b\n{line}</code></pre>'
    out = wrap_code(body, columns=40)
    lines = out.split("\n")
    assert lines[0].endswith('x = "a" -&gt; b')
    assert all('<span class="code-continued"></span>' in row for row in lines[2:])
    text = "".join(row.split("</span>")[-1] for row in lines[1:]).removesuffix("</code></pre>")
    assert text == line  # nothing lost or added but the marks
    indented = wrap_code(f'<pre class="code"><code>    {line}</code></pre>', columns=40)
    assert all(row.startswith("    <span") for row in indented.split("\n")[1:])


def test_formulas_print_as_their_text() -> None:
    body = (
        '<div class="math-display"><math xmlns="http://www.w3.org/1998/Math/MathML" '
        'display="block" alttext="E = m c^2"><mi>E</mi></math></div>'
    )
    assert math_as_text(body) == (
        '<div class="math-display"><code class="math-text" data-text="E = m c^2"></code></div>'
    )


def test_citation_numbers_are_held_together() -> None:
    out = keep_citations_whole('<p>As shown [12] and [3, 4] <a href="x[1]">y</a></p>')
    assert '<span class="citation">[12]</span>' in out
    assert '<span class="citation">[3, 4]</span>' in out
    assert 'href="x[1]"' in out


def test_a_run_of_labels_in_a_sentence_leaves_the_sentence_whole() -> None:
    body = (
        '<p>In the survey [<a href="https://pubmed.example.org/1">PubMed</a>] '
        '[<a href="https://scholar.example.org/?q=1">Google Scholar</a>], or later.</p>'
    )
    assert links_as_notes(body) == "<p>In the survey, or later.</p>"


def test_numbered_lists_carry_their_start_to_paper() -> None:
    out = number_lists('<ol start="3"><li>a</li></ol><ol start="2" reversed="reversed"><li>b')
    assert '<ol start="3" style="counter-reset: list-item 2">' in out
    assert 'class="count-down" style="counter-reset: list-item 3"' in out
