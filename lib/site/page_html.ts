/** index.html of `mvlm site`: the layout; lib/browser/site/app.ts fills it in. */
import { SITE_SCRIPT } from '../browser/site/site_index';

export function siteHtml(title: string): string {
  const esc = title.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc}</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 16px; color: #222; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  #status { color: #666; font-size: 13px; margin-bottom: 12px; }
  #status[data-state="error"] { color: #b00; }
  section { margin-bottom: 20px; }
  form { display: flex; gap: 8px; }
  #query { flex: 1; font-size: 16px; padding: 6px 8px; }
  ol.images { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(5, 1fr); gap: 12px; }
  ol.images img { width: 100%; aspect-ratio: 1; image-rendering: pixelated; border: 1px solid #ccc; background: #fff; }
  ol.images span { display: block; font-size: 12px; color: #444; }
  #drop-zone { border: 2px dashed #999; border-radius: 8px; padding: 16px; display: flex; gap: 16px; align-items: center; }
  #drop-zone.over { border-color: #36c; background: #eef4ff; }
  #dropped { width: 96px; height: 96px; image-rendering: pixelated; border: 1px solid #ccc; }
</style>
</head>
<body>
<h1 id="title">${esc}</h1>
<div id="status" data-state="loading">loading…</div>
<section>
  <form id="text-form"><input id="query" placeholder="describe an image" autocomplete="off"><button>search</button></form>
  <ol id="image-results" class="images"></ol>
</section>
<section>
  <div id="drop-zone">
    <canvas id="dropped" width="1" height="1"></canvas>
    <div>Drop a picture here, or <input id="image-file" type="file" accept="image/*">, to see the nearest captions.
      <ol id="caption-results"></ol></div>
  </div>
</section>
<script src="${SITE_SCRIPT}"></script>
</body>
</html>
`;
}
