"""`driftcheck history`: the key timeline in the terminal (the HTML page has the same)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from driftcheck.result import KeyTimeline


def render_history(timeline: KeyTimeline, console: Console) -> None:
    console.print(Text(f"Key timeline over {len(timeline.times)} snapshot"
                       f"{'s' if len(timeline.times) != 1 else ''}", style="bold"))
    for index, label in enumerate(timeline.labels, 1):
        console.print(Text(f"  {index}. {label}", style="dim"))
    console.print()
    for environment in timeline.environments:
        title = environment.name
        if environment.rotation_overlap:
            title += f"  (rotation_overlap {environment.rotation_overlap})"
        table = Table(title=title, title_justify="left", header_style="bold",
                      title_style="bold")
        table.add_column("kid")
        table.add_column("thumbprint", style="dim")
        for index in range(len(timeline.times)):
            table.add_column(str(index + 1), justify="center")
        for key in environment.keys:
            marks = [Text("■", style="green") if present else
                     Text("?", style="dim") if present is None else Text("·", style="dim")
                     for present in key.presence]
            kid = Text(key.kid)
            if key.shared_with:
                kid.append(f"  shared with {', '.join(key.shared_with)}", style="bold red")
            table.add_row(kid, key.thumbprint_short, *marks)
        if not environment.keys:
            table.add_row(Text("(no JWKS read)", style="dim"), "",
                          *["?" for _ in timeline.times])
        console.print(table)
        for rotation in environment.rotations:
            line = Text("  rotation: " + rotation.text)
            if rotation.short:
                line.append("  shorter than rotation_overlap", style="bold red")
            console.print(line)
        console.print()
    console.print(Text("■ published · absent ? not read", style="dim"))
    for sentence in timeline.shared:
        console.print(Text("shared: " + sentence, style="bold red"))
