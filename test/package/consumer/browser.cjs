// Run from a project that installed the packed mvlm: a user's page importing mvlm/browser and
// mvlm/losses bundles for the browser, and so does the page script `mvlm site` bundles from the package.
const path = require('path');
const esbuild = require('esbuild');
const mvlm = require('mvlm');

(async () => {
  const user = await esbuild.build({
    stdin: { contents: "import { loadExportedModel } from 'mvlm/browser';\nimport { clipLoss } from 'mvlm/losses';\nwindow.x = [loadExportedModel, clipLoss];", resolveDir: __dirname },
    bundle: true,
    platform: 'browser',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const entry = mvlm.site.siteAppEntry();
  const page = await mvlm.site.bundleForBrowser(entry);
  console.log(JSON.stringify({ userBundle: user.outputFiles[0].contents.length > 100000, siteEntry: path.relative(__dirname, entry), siteBundle: page.code.length > 100000 }));
})();
