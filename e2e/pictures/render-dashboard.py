#!/usr/bin/python3
"""Draws the Grafana dashboard's panels from whisper files with graphite-web's render API.

Usage: render-dashboard.py WHISPER_DIR APPLICATION INSTANCE FROM UNTIL OUT.png

Each panel of dashboards/busy-pool-graphite.json becomes one graph, with the panel's title
and its own targets ($application and $instance filled in), rendered by graphite-web (Debian's
graphite-web package) in-process, with no web server, then laid out on the dashboard's
two-column grid. FROM and UNTIL are epoch seconds.
"""
import json
import os
import sys
import tempfile
from pathlib import Path

whisper_dir, application, instance, start, until, out = sys.argv[1:7]
repository = Path(__file__).resolve().parents[2]
dashboard = json.loads((repository / "dashboards" / "busy-pool-graphite.json").read_text())

# Settings of our own: Debian's point at /var/lib/graphite; these at the run's whisper files.
work = Path(tempfile.mkdtemp(prefix="busy-pool-dashboard-"))
(work / "picture_settings.py").write_text(f"""
from graphite.settings import *
WHISPER_DIR = {whisper_dir!r}
STANDARD_DIRS = [WHISPER_DIR]
LOG_DIR = {str(work)!r}
INDEX_FILE = {str(work / 'index')!r}
DATABASES = {{'default': {{'NAME': {str(work / 'graphite.db')!r}, 'ENGINE': 'django.db.backends.sqlite3'}}}}
SECRET_KEY = 'pictures only'
ALLOWED_HOSTS = ['*']
""")
sys.path.insert(0, str(work))
os.environ["DJANGO_SETTINGS_MODULE"] = "picture_settings"

import django  # noqa: E402

django.setup()
from django.test import Client  # noqa: E402
import cairo  # noqa: E402

client = Client()
WIDTH, HEIGHT = 640, 300
panels = sorted(dashboard["panels"], key=lambda p: (p["gridPos"]["y"], p["gridPos"]["x"]))
images = []
for panel in panels:
    targets = [t["target"].replace("$application", application).replace("$instance", instance)
               for t in panel["targets"]]
    response = client.get("/render", {
        "target": targets, "from": start, "until": until, "width": WIDTH, "height": HEIGHT,
        "title": panel["title"], "format": "png", "bgcolor": "white", "fgcolor": "black",
        "majorGridLineColor": "#cccccc", "minorGridLineColor": "#eeeeee", "hideLegend": "false",
        "fontSize": "10", "yMin": "0", "tz": "UTC",
    })
    if response.status_code != 200 or not response["Content-Type"].startswith("image/png"):
        sys.exit(f"graphite-web could not render {panel['title']}: {response.status_code}")
    path = work / f"panel-{len(images)}.png"
    path.write_bytes(response.content)
    images.append((panel, cairo.ImageSurface.create_from_png(str(path))))

rows = max(p["gridPos"]["y"] for p, _ in images) // 8 + 1
canvas = cairo.ImageSurface(cairo.FORMAT_RGB24, 2 * WIDTH, rows * HEIGHT)
context = cairo.Context(canvas)
context.set_source_rgb(1, 1, 1)
context.paint()
for panel, image in images:
    context.set_source_surface(image, (panel["gridPos"]["x"] // 12) * WIDTH, (panel["gridPos"]["y"] // 8) * HEIGHT)
    context.paint()
canvas.write_to_png(out)
print(f"wrote {out}: {len(images)} panels")
