const SETS_COOKIE_IN_SCRIPT = /document\s*\.\s*cookie\s*=/i;
const RELOADS_OR_REDIRECTS =
  /location\s*\.\s*(reload|replace|assign)\s*\(|location(\s*\.\s*href)?\s*=|http-equiv\s*=\s*["']?refresh/i;
const FEED_OR_SITEMAP_ROOT = /<(rss|feed|rdf:RDF|urlset|sitemapindex)[\s>]/i;

/**
 * True for the HTML some sites serve instead of a feed: a script that sets a cookie and reloads
 * (or redirects), so that only a browser gets the real document. A real feed has an XML root element.
 */
export function looksLikeCookieChallenge(text: string): boolean {
  return SETS_COOKIE_IN_SCRIPT.test(text) && RELOADS_OR_REDIRECTS.test(text) && !FEED_OR_SITEMAP_ROOT.test(text);
}
