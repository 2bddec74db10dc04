/**
 * Page chrome told apart from the article by the words of class and id names and by tags and roles: the
 * one judgement the body scoring (content.ts) and the picture collection (pictures.ts) both make.
 */
import type { Element } from 'domhandler';

/**
 * Class/id words of blocks that are never the article, even when they hold prose: comments, social embeds,
 * related-article boxes, newsletter sign-ups, advertiser disclosures, boxes shown as dialogs over the page (a
 * privacy policy), bylines and captions. Matched as whole words of a class or id (see wordsOf), so "header" does not match "ad".
 */
const ALWAYS_BOILERPLATE = new Set([
  'comment', 'comments', 'disqus', 'replies', 'sharebar', 'social', 'socials', 'sns',
  'related', 'recommended', 'recommendation', 'recommendations', 'trending', 'mostread', 'popular',
  'newsletter', 'signup', 'outbrain', 'taboola', 'disclosure', 'dialog', 'tweet', 'instagram', 'tiktok',
  'breadcrumb', 'breadcrumbs', 'byline', 'caption', 'figcaption', 'credit', 'credits', 'toolbar', 'pagination', 'pager',
]);

/**
 * Class/id words of cookie and privacy consent managers (GDPR is DSGVO in German, RGPD in French and Spanish):
 * a consent box, with its pages of policy prose, is chrome even when a body word sits beside these
 * ("av-consent-extra-info main_color"); an article about cookies is not classed so.
 */
const CONSENT_WORDS = new Set(['cookie', 'cookies', 'consent', 'gdpr', 'dsgvo', 'rgpd']);

/**
 * Words that usually mark page chrome (ads, sidebars, menus, widgets) but also turn up on wrappers of the
 * article itself ("sidebar-grid__content", "vertical-ad-con", "overflow-hidden"): such a block is dropped
 * only when it holds little of the page's prose.
 */
const USUALLY_BOILERPLATE = new Set([
  'ad', 'ads', 'adv', 'advert', 'advertisement', 'advertising', 'adslot', 'adunit', 'dfp', 'sponsor', 'sponsored', 'promo', 'promotion',
  'more', 'teaser', 'teasers', 'subscribe', 'subscription', 'piano', 'sidebar', 'widget', 'navigation', 'nav', 'menu', 'footer',
  'author', 'authors', 'tags', 'tag', 'keywords', 'topics', 'modal', 'popup', 'overlay', 'banner', 'hidden', 'print', 'skip', 'meta',
  'timestamp', 'dateline', 'aside', 'form',
  // Star ratings of the post ("post-ratings"), the filed-under line of blog themes ("postmetadata", "entryfooter"),
  // and calls to action ("c-letters-cta": write to us, subscribe, support us).
  'rating', 'ratings', 'postmetadata', 'entryfooter', 'cta',
  // A share bar or a "read more" toggle holds buttons and links; a block so named that holds the prose wraps
  // the article with its share buttons ("share-zone") or is its text folded until the toggle ("js_readmore").
  'share', 'sharing', 'readmore',
]);

/** Tags that are chrome unless they hold the prose (some CMSs wrap the whole page in a form). */
const USUALLY_CHROME_TAGS = new Set(['nav', 'aside', 'footer', 'form', 'menu', 'header']);

/** Words of body containers: a block carrying one of these and an always-boilerplate word is kept if it holds the prose. */
const BODY_WORDS = new Set(['article', 'body', 'content', 'story', 'text', 'entry', 'post', 'main', 'richtext', 'prose', 'paragraph', 'paywall']);

/** Words of the labels seen lately: a page repeats a few class names on many elements. Bounded, so it cannot grow without end. */
const WORDS_BY_LABEL = new Map<string, readonly string[]>();
const MAX_CACHED_LABELS = 20_000;
const NO_WORDS: readonly string[] = [];

/**
 * Words after which "hidden" hides only a part of the block: its label ("field--label-hidden", Drupal's
 * field without a printed label).
 */
const HIDDEN_PART_WORDS = new Set(['label', 'title']);
/**
 * Screen sizes after "hidden": the block is hidden on some screens only ("hidden-xs", "l-hidden-s"), as
 * responsive layouts print the same text once per screen size; a reader on another screen sees it.
 */
const SCREEN_SIZE_WORDS = new Set(['xs', 'sm', 'md', 'lg', 'xl', 's', 'm', 'l', 'mobile', 'phone', 'tablet', 'desktop', 'small', 'medium', 'large']);

function hidesOnlyPart(before: string | undefined, after: string | undefined): boolean {
  return (before !== undefined && HIDDEN_PART_WORDS.has(before)) || (after !== undefined && SCREEN_SIZE_WORDS.has(after));
}

/** The words of an element's class, id and component name: "ArticleBody-imageEmbedCredit" → article, body, image, embed, credit. */
export function wordsOf(element: Element): readonly string[] {
  const { class: className, id, 'data-component': component } = element.attribs;
  // Most elements have a class alone or nothing: no label string to build (the spaces around it hold no word).
  if (id === undefined && component === undefined && className === undefined) return NO_WORDS;
  const label = id === undefined && component === undefined ? className! : `${className ?? ''} ${id ?? ''} ${component ?? ''}`;
  const cached = WORDS_BY_LABEL.get(label);
  if (cached) return cached;
  const words = label
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_-]+/)
    .filter(Boolean)
    .filter((word, index, all) => word !== 'hidden' || !hidesOnlyPart(all[index - 1], all[index + 1]));
  if (WORDS_BY_LABEL.size >= MAX_CACHED_LABELS) WORDS_BY_LABEL.clear();
  WORDS_BY_LABEL.set(label, words);
  return words;
}


/** An inline `display: none`. */
const HIDDEN_STYLE = /(?:^|;)\s*display\s*:\s*none\b/i;

/**
 * Hidden from every reader by its own markup (the `hidden` attribute, an inline display:none): "<h1 style="display:none">Mobile</h1>",
 * a wiki's hover tips. Pages that show their text by script after loading hide it so too: the verdict keeps such a block when it holds the prose.
 */
export function hiddenByMarkup(element: Element): boolean {
  const style = element.attribs['style'];
  return element.attribs['hidden'] !== undefined || (style !== undefined && HIDDEN_STYLE.test(style));
}

export type Verdict = 'keep' | 'drop' | 'drop-unless-prose';

/**
 * Words that say nothing against a box around a picture: the text beside it (caption, credit), and the
 * widget / lightbox wrappers pictures are shown in ("container-widget", "ui-modal").
 */
const PICTURE_NEUTRAL_WORDS = new Set(['caption', 'figcaption', 'credit', 'credits', 'widget', 'modal', 'popup', 'overlay', 'hidden']);

/**
 * Whether a block is page chrome. For a box around a picture (`forPicture`), a <figure> is the picture's own
 * box, and aria-hidden (lazy-load frames hide the picture from screen readers, not from readers) and the
 * neutral words above do not count.
 */
export function boilerplateVerdict(element: Element, forPicture = false): Verdict {
  const name = element.name;
  if (name === 'body' || name === 'html' || name === 'main' || name === 'article' || (forPicture && name === 'figure')) return 'keep';
  if (!forPicture && (element.attribs['aria-hidden'] === 'true' || hiddenByMarkup(element))) return 'drop-unless-prose';
  const role = element.attribs['role'];
  // A dialog (cookie consent, sign-up, a modal) floats over the page; it is never the article, however much it says.
  if (!forPicture && (role === 'dialog' || role === 'alertdialog' || element.attribs['aria-modal'] === 'true')) return 'drop';
  if (role === 'navigation' || role === 'complementary' || role === 'contentinfo' || role === 'banner') return 'drop-unless-prose';
  if (USUALLY_CHROME_TAGS.has(name)) return 'drop-unless-prose';
  const words = forPicture ? wordsOf(element).filter((word) => !PICTURE_NEUTRAL_WORDS.has(word)) : wordsOf(element);
  if (anyWordIn(words, CONSENT_WORDS)) return 'drop';
  if (anyWordIn(words, ALWAYS_BOILERPLATE)) return anyWordIn(words, BODY_WORDS) ? 'drop-unless-prose' : 'drop';
  if (anyWordIn(words, USUALLY_BOILERPLATE)) return 'drop-unless-prose';
  return 'keep';
}

/** Whether one of the words is in `set`: a loop, as boilerplateVerdict runs on every element and a callback each time is garbage to collect. */
function anyWordIn(words: readonly string[], set: ReadonlySet<string>): boolean {
  for (const word of words) if (set.has(word)) return true;
  return false;
}

/**
 * Class names of blocks printed for one kind of screen: responsive pages print some blocks (a menu, or the whole
 * article) once per screen and let the stylesheet show one ("mobile" / "desktop", Bootstrap's "visible-xs",
 * "hidden-xs", "d-md-none", "a-u-hide-from-desktop"). Whole class names only: "mobile-menu" says nothing.
 */
const PHONE_ONLY_CLASS = /^(?:mobile(?:-only|-show)?|only-mobile|(?:show|visible)-(?:mobile|phone|xs)|(?:[\w-]+-)?(?:hide|hidden)-(?:on-|from-)?(?:desktop|lg)|desktop-hidden|d-(?:md|lg)-none|show-for-small-only)$/;
const DESKTOP_ONLY_CLASS = /^(?:desktop(?:-only|-show)?|only-desktop|(?:show|visible)-(?:desktop|lg)|(?:[\w-]+-)?(?:hide|hidden)-(?:on-|from-)?(?:mobile|phone|xs)|mobile-hidden|hide-for-small-only)$/;

export type Screen = 'phone' | 'desktop';

/** Screens of the class names seen lately; bounded like WORDS_BY_LABEL. */
const SCREEN_BY_CLASS = new Map<string, Screen | null>();

/** The one kind of screen a block is printed for, by its class names; null for a block every reader sees. */
export function screenOnly(element: Element): Screen | null {
  const className = element.attribs['class'];
  if (className === undefined) return null;
  let screen = SCREEN_BY_CLASS.get(className);
  if (screen === undefined) {
    const names = className.toLowerCase().split(/\s+/);
    screen = names.some((name) => PHONE_ONLY_CLASS.test(name)) ? 'phone' : names.some((name) => DESKTOP_ONLY_CLASS.test(name)) ? 'desktop' : null;
    if (SCREEN_BY_CLASS.size >= MAX_CACHED_LABELS) SCREEN_BY_CLASS.clear();
    SCREEN_BY_CLASS.set(className, screen);
  }
  return screen;
}
