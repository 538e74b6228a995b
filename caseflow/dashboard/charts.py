"""Charts drawn on the server as SVG: no JavaScript, labelled with numbers and words, readable without colour
(every series has its own hatching as well as its own shade, and a legend that shows both)."""
from markupsafe import Markup, escape

# One fill per series: a shade of grey-blue plus a hatching, so print-outs and colour-blind readers tell them apart.
PATTERNS = (
    ("solid", ""),
    ("diagonal", '<path d="M0,6 L6,0" stroke="#fff" stroke-width="1.5"/>'),
    ("dots", '<circle cx="3" cy="3" r="1.3" fill="#fff"/>'),
    ("horizontal", '<path d="M0,3 L6,3" stroke="#fff" stroke-width="1.5"/>'),
    ("vertical", '<path d="M3,0 L3,6" stroke="#fff" stroke-width="1.5"/>'),
    ("cross", '<path d="M0,0 L6,6 M6,0 L0,6" stroke="#fff" stroke-width="1"/>'),
    ("grid", '<path d="M0,3 L6,3 M3,0 L3,6" stroke="#fff" stroke-width="1"/>'),
)
SHADES = ("#1f3a5f", "#3b6ea5", "#5a8f3c", "#8a5a00", "#7a3b69", "#4d4d4d", "#a33b3b")


def _defs(prefix: str, count: int) -> str:
    parts = []
    for i in range(count):
        name, mark = PATTERNS[i % len(PATTERNS)]
        parts.append(f'<pattern id="{prefix}-{i}" width="6" height="6" patternUnits="userSpaceOnUse">'
                     f'<rect width="6" height="6" fill="{SHADES[i % len(SHADES)]}"/>{mark}</pattern>')
    return "<defs>" + "".join(parts) + "</defs>"


def stacked_bars(chart_id: str, title: str, columns: list[tuple[str, dict]], series: list[tuple[str, str]],
                 totals: list[int] | None = None) -> Markup:
    """Vertical stacked bars, one per column (label, {series key: count}), the total written above each bar: the
    sum of its parts, or `totals` when a thing counts in several parts (a request invoking two rights)."""
    width, height, left, bottom, top = 720, 260, 36, 40, 20
    slot = (width - left) / max(1, len(columns))
    bar = slot * 0.62
    peak = max([sum(values.values()) for _, values in columns] + [1])
    scale = (height - bottom - top) / peak
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" role="img" '
           f'viewBox="0 0 {width} {height + 24 * ((len(series) + 1) // 2)}" aria-labelledby="{escape(chart_id)}-title">',
           f'<title id="{escape(chart_id)}-title">{escape(title)}</title>', _defs(chart_id, len(series))]
    base = height - bottom
    out.append(f'<line x1="{left}" y1="{base}" x2="{width}" y2="{base}" stroke="#333"/>')
    for i, (label, values) in enumerate(columns):
        x = left + i * slot + (slot - bar) / 2
        y = base
        for j, (key, name) in enumerate(series):
            count = values.get(key, 0)
            if not count:
                continue
            h = count * scale
            y -= h
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="url(#{chart_id}-{j})" '
                       f'stroke="#fff" stroke-width=".5"><title>{escape(label)}: {escape(name)} {count}</title></rect>')
        total = totals[i] if totals is not None else sum(values.values())
        out.append(f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="11">{total}</text>')
        out.append(f'<text x="{x + bar / 2:.1f}" y="{base + 16}" text-anchor="middle" font-size="11">'
                   f'{escape(label)}</text>')
    for j, (key, name) in enumerate(series):  # the legend: two to a line (the rights have long names)
        lx, ly = left + (j % 2) * 340, height + 4 + 24 * (j // 2)
        out.append(f'<rect x="{lx}" y="{ly}" width="16" height="16" fill="url(#{chart_id}-{j})" stroke="#333" '
                   f'stroke-width=".5"/><text x="{lx + 22}" y="{ly + 12}" font-size="12">{escape(name)}</text>')
    out.append("</svg>")
    return Markup("".join(out))  # nosec B704  # every text and attribute in it went through escape() above


def horizontal_bars(chart_id: str, title: str, rows: list[tuple[str, int]]) -> Markup:
    """One labelled bar per row, the count and its share written after it."""
    total = sum(count for _, count in rows) or 1
    peak = max([count for _, count in rows] + [1])
    label_w, bar_w, row_h = 210, 330, 26
    height = row_h * max(1, len(rows)) + 6
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" role="img" '
           f'viewBox="0 0 {label_w + bar_w + 110} {height}" aria-labelledby="{escape(chart_id)}-title">',
           f'<title id="{escape(chart_id)}-title">{escape(title)}</title>', _defs(chart_id, len(rows))]
    for i, (label, count) in enumerate(rows):
        y = 4 + i * row_h
        w = bar_w * count / peak
        out.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" font-size="12">{escape(label)}</text>')
        out.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{row_h - 8}" fill="url(#{chart_id}-{i})"/>')
        out.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" font-size="12">{count} '
                   f'({round(100 * count / total)}%)</text>')
    out.append("</svg>")
    return Markup("".join(out))  # nosec B704  # every text and attribute in it went through escape() above
