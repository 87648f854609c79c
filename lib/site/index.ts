/** `mvlm site`: a static search page over a dataset, with the model running in the browser (lib/browser). */
export { buildSite } from './build_site';
export type { SiteOptions, SiteResult } from './build_site';
export { bundleForBrowser, siteAppEntry } from './bundle';
export type { BrowserBundle } from './bundle';
