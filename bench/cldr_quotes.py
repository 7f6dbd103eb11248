"""Write src/anthology/core/quotes.toml from CLDR's delimiters (quotation marks by locale).

Babel carries no quotation marks, so the table is taken from CLDR itself: unpack the npm package
``cldr-misc-full`` (``npm pack cldr-misc-full``) and run

    python bench/cldr_quotes.py path/to/package

A locale is written when its marks differ from its parent language's (``de-CH`` sets « »).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "anthology" / "core" / "quotes.toml"
KEYS = ("quotationStart", "quotationEnd", "alternateQuotationStart", "alternateQuotationEnd")


def main(package: Path) -> None:
    version = json.loads((package / "package.json").read_text())["version"]
    marks: dict[str, tuple[str, ...]] = {}
    for folder in sorted((package / "main").iterdir()):
        data = json.loads((folder / "delimiters.json").read_text(encoding="utf-8"))
        delimiters = data["main"][folder.name]["delimiters"]
        marks[folder.name] = tuple(delimiters[k] for k in KEYS)
    lines = [
        f"# Quotation marks by language (outer open, outer close, inner open, inner close): CLDR"
        f" {version}",
        "# (Unicode-3.0 licence), main/<locale>/delimiters.json. Written by bench/cldr_quotes.py;"
        " a",
        "# regional locale is listed only where its marks differ from its language's.",
    ]
    for locale, value in marks.items():
        parent = locale.rsplit("-", 1)[0]
        if locale != parent and marks.get(parent) == value:
            continue
        key = locale if locale.isalnum() else f'"{locale}"'
        items = ", ".join(json.dumps(v, ensure_ascii=False) for v in value)
        lines.append(f"{key} = [{items}]")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines) - 3} locales")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
