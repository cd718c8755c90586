#!/usr/bin/env python3
"""Checks an ics chart's geometry and text from the SVG alone, for the chart tests.

As a library: load(path) parses a chart; inside(chart) lists what lies outside the plot; no_e_notation(chart)
lists text in e-notation; y_scale(chart) / x_scale(chart) read the axis back from its tick labels, so a test
can place a value computed on its own and compare it with what was drawn.

The charts mark the plot with <rect class="plot"> and put every data mark (points, value line, means,
limits, targets, funnel curves, the centre line) in <g class="data">; coordinates are printed to 0.1, so
0.05 is allowed at each edge.
"""
import re
import xml.etree.ElementTree as ET

NS = '{http://www.w3.org/2000/svg}'
E_NOTATION = re.compile(r'[0-9][eE][+-]?[0-9]')
TOL = 0.051


class Chart:
    def __init__(self, root):
        self.root = root
        plot = [e for e in root.iter(NS + 'rect') if e.get('class') == 'plot']
        assert len(plot) == 1, 'one plot rectangle'
        p = plot[0]
        self.left, self.top = float(p.get('x')), float(p.get('y'))
        self.right, self.bottom = self.left + float(p.get('width')), self.top + float(p.get('height'))
        data = [e for e in root.iter(NS + 'g') if e.get('class') == 'data']
        assert len(data) == 1, 'one data group'
        self.data = data[0]
        self.texts = [e for e in root.iter(NS + 'text')]


def load(path):
    return Chart(ET.parse(path).getroot())


def vertices(e):
    """The points an element is drawn through: a marker by its centre, a line by its ends."""
    tag = e.tag[len(NS):]
    if tag == 'line':
        return [(float(e.get('x1')), float(e.get('y1'))), (float(e.get('x2')), float(e.get('y2')))]
    if tag == 'circle':
        return [(float(e.get('cx')), float(e.get('cy')))]
    if tag == 'rect':
        return [(float(e.get('x')) + float(e.get('width')) / 2, float(e.get('y')) + float(e.get('height')) / 2)]
    if tag in ('polyline', 'polygon'):
        pts = [tuple(map(float, p.split(','))) for p in e.get('points').split()]
        if tag == 'polygon':   # a marker: its centre
            return [(sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))]
        return pts
    return []


def marks(chart, cls=None, tag=None):
    return [e for e in chart.data if (cls is None or e.get('class') == cls) and (tag is None or e.tag == NS + tag)]


def markers(chart):
    """Point markers: the data elements that carry a tooltip."""
    return [e for e in chart.data if e.find(NS + 'title') is not None]


def inside(chart):
    """Every vertex of every data mark outside the plot rectangle."""
    bad = []
    for e in chart.data:
        for x, y in vertices(e):
            if not (chart.left - TOL <= x <= chart.right + TOL and chart.top - TOL <= y <= chart.bottom + TOL):
                bad.append((e.tag[len(NS):], e.get('class'), x, y))
    return bad


def no_e_notation(chart):
    out = []
    for e in chart.root.iter():
        for t in (e.text, e.tail):
            if t and E_NOTATION.search(t):
                out.append(t.strip())
    return out


def number(text):
    return float(text.replace(',', ''))


def y_scale(chart):
    """value -> y, from the y tick labels (right-aligned just left of the plot; baseline 4 below the tick)."""
    ticks = [(number(t.text), float(t.get('y')) - 4) for t in chart.texts
             if t.get('text-anchor') == 'end' and abs(float(t.get('x')) - (chart.left - 6)) < 0.06]
    assert len(ticks) >= 2, 'y ticks'
    (v0, y0), (v1, y1) = ticks[0], ticks[-1]
    return (lambda v: y0 + (v - v0) * (y1 - y0) / (v1 - v0)), ticks


def x_ticks(chart):
    """(label, x) of the tick labels under the plot (the first line of each)."""
    return [(t.text, float(t.get('x'))) for t in chart.texts
            if t.get('text-anchor') == 'middle' and abs(float(t.get('y')) - (chart.bottom + 16)) < 0.06]


def x_scale(chart):
    """value -> x for a numeric x axis (the funnel's)."""
    ticks = [(number(lab), x) for lab, x in x_ticks(chart)]
    (v0, x0), (v1, x1) = ticks[0], ticks[-1]
    return (lambda v: x0 + (v - v0) * (x1 - x0) / (v1 - v0)), ticks


def fonts_ok(chart, smallest=11):
    sizes = [float(e.get('font-size')) for e in chart.root.iter() if e.get('font-size')]
    return all(s >= smallest for s in sizes)


def first_children(chart):
    kids = list(chart.root)
    return [k.tag[len(NS):] for k in kids[:2]], kids[0].text, kids[1].text
