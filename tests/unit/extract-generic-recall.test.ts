import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { extractGeneric } from '../../lib/extract/generic.ts';
import { extractSavedPage } from '../../lib/extract/index.ts';

/**
 * The body rules of issue 11, each on a short excerpt of a page of trafilatura's evaluation set (markup and
 * text as the page prints them, shortened; the page named in each test), set beside the page chrome it competes with.
 */
function bodyOf(body: string, head = ''): { paragraphs: string[]; lead: string | null } {
  const $ = cheerio.load(`<!DOCTYPE html><html><head><title>t</title>${head}</head><body>${body}</body></html>`, { xml: { xmlMode: false } });
  const fields = extractGeneric($, 'https://www.example.org/article/1');
  return { paragraphs: fields.paragraphs, lead: fields.lead };
}

const NAVIGATION = '<nav class="main-nav"><ul><li><a href="/a">Start</a></li><li><a href="/b">Themen</a></li><li><a href="/c">Kontakt</a></li></ul></nav>';

/** Three paragraphs of the zoo-berlin.de article, the body in every excerpt that needs one. */
const ZOO_TEXT = [
  'Denn für die Nashorn-Pagode im Zoo Berlin wächst aktuell ein 25 Meter hoher Turm in den Himmel als Denkmal für den Artenschutz. Auf rund 14.000 m² entsteht eine sumpfige Graslandschaft für Panzernashörner, Pustelschweine und Tapire, welche dem natürlichen Lebensraum der Tiere nachempfunden wird.',
  'Nach der Grundsteinlegung im Spätsommer 2021 hat sich einiges auf der Baustelle getan: Die letzten Elemente des Turms, bestehend aus 68 gestapelten Elementen aus Beton die jeweils bis zu 10 Tonnen wiegen, werden aktuell montiert. Eine Turmspitze aus goldgelb-lackiertem Blech wird später weit über die Grenzen des Zoos hinaus in der Sonne funkeln.',
  'Zwischen hohen Gräsern und idyllischen Wasserläufen werden sich ab Frühjahr 2023 graue Schwergewichte ein Schlammbad gönnen. Die Gäste des Zoos können sich derweil auf eine Reise in die Heimat der faszinierenderen Tiere begeben und mehr über ihren Lebensraum im Nordosten Indiens erfahren.',
];
const zooParagraphs = ZOO_TEXT.map((text) => `<p>${text}</p>`).join('');
/** A box of the site's own prose beside the article: what the body would be if the article's box were cut. */
const SITE_BOX =
  '<div class="site-info"><p>Der Zoologische Garten Berlin ist der älteste Zoo Deutschlands und mit rund 20.000 Tieren einer der artenreichsten der Welt.</p>' +
  '<p>Besuchen Sie uns täglich ab 9 Uhr; Tickets erhalten Sie online und an den Kassen am Löwentor und am Elefantentor.</p></div>';

describe('generic body: text that page chrome rules used to cut', () => {
  it('reads the lead printed above the text, though its class reads as a teaser box (zoo-berlin.de)', () => {
    const { paragraphs } = bodyOf(
      `${NAVIGATION}<div class="article"><div class="g-void"><div class="g-col-12 g-col-sm-12 g-col-md-8">` +
        '<div class="header"><h1>Der Turm der Wünsche</h1></div>' +
        '<div class="teaser-text news-details__teaser" itemprop="description"><p>Tausende Fahrgäste passieren täglich den Bahnhof Zoologischer Garten: Zukünftig wird man bei der Ein- oder Ausfahrt ein neues, auffälliges Bauwerk erspähen können.</p></div>' +
        `<div class="news-text-wrap">${zooParagraphs}</div></div></div></div>` +
        '<div class="news-related"><div class="teaser-text"><p><a href="/x">Neues aus dem Tierpark: die Elefanten ziehen in ihr neues Haus</a></p></div></div>',
    );
    expect(paragraphs[0]).toMatch(/^Tausende Fahrgäste passieren täglich/);
    expect(paragraphs.slice(1)).toEqual(ZOO_TEXT);
  });

  it('keeps a Drupal text field whose class says only its label is hidden (fairkom.eu)', () => {
    const field = (text: string): string => `<div class="clearfix text-formatted field field--name-field-text field--type-text-long field--label-hidden field__item"><p>${text}</p></div>`;
    const { paragraphs } = bodyOf(
      `${NAVIGATION}<div class="paragraph paragraph--type--bild-und-text">` +
        field('fairkom ist eine Genossenschaft, die faire Software und Dienste für Organisationen betreibt, ohne Werbung und ohne Tracking, mit Servern in Europa.') +
        field('Wenn wir ein Stück gemeinsamen Weges gegangen sind, kannst du auch um eine Mitgliedschaft ansuchen. Damit erhälst du eine Stimmberechtigung bei der Generalversammlung.') +
        field('Unsere Dienste sind quelloffen, und wir laden alle ein, bei der Dokumentation, bei Übersetzungen und beim Hosting mitzuhelfen.') +
        `</div>${SITE_BOX}`,
    );
    expect(paragraphs).toContain('Wenn wir ein Stück gemeinsamen Weges gegangen sind, kannst du auch um eine Mitgliedschaft ansuchen. Damit erhälst du eine Stimmberechtigung bei der Generalversammlung.');
    expect(paragraphs[0]).toMatch(/^fairkom ist eine Genossenschaft/);
  });

  it('keeps the article wrapped together with its share buttons (franceculture.fr)', () => {
    const { paragraphs } = bodyOf(
      `${NAVIGATION}<article class="content primary-content"><div class="content-inner prose"><div class="share-zone"><div class="text-zone"><div class="content-body">${zooParagraphs}</div></div>` +
        `<ul class="share-buttons"><li><a href="/share/fb">Facebook</a></li><li><a href="/share/tw">Twitter</a></li></ul></div></div></article>${SITE_BOX}`,
    );
    expect(paragraphs).toEqual(ZOO_TEXT);
  });

  it('reads paragraphs marked as jump targets with <a name>: such an anchor is no link (ndr.de)', () => {
    const { paragraphs } = bodyOf(
      `${NAVIGATION}<div class="modulepadding copytext">${ZOO_TEXT.map((text, index) => `<p><a name="anchor${index}">${text}</a></p>`).join('')}</div>` +
        '<div class="teaserbox"><p>Mehr aus dem Zoo: Alle Meldungen der Woche im Überblick und die schönsten Bilder aus dem Tierpark.</p></div>',
    );
    expect(paragraphs).toEqual(ZOO_TEXT);
  });
});

describe('generic body: link lines', () => {
  it('keeps a line that prints an address as its link, and still leaves out a line that only links elsewhere (die-partei.net)', () => {
    const { paragraphs } = bodyOf(
      `${NAVIGATION}<div class="newsentry"><div class="newstext">${zooParagraphs}` +
        '<p><a href="http://www.openpetition.de">http://www.openpetition.de</a></p>' +
        '<p><a href="/news/x">Zur Übersicht aller Meldungen aus dem Stadtrat</a></p></div></div>',
    );
    expect(paragraphs).toEqual([...ZOO_TEXT, 'http://www.openpetition.de']);
  });
});

describe('generic body: chrome inside the article region', () => {
  it('leaves out a cookie-consent box even when a body word sits in its class (battery-news.de)', () => {
    const policy = [
      'Wir können Cookies anfordern, die auf Ihrem Gerät eingestellt werden. Wir verwenden Cookies, um uns mitzuteilen, wenn Sie unsere Websites besuchen, wie Sie mit uns interagieren, Ihre Nutzererfahrung verbessern und Ihre Beziehung zu unserer Website anpassen.',
      'Klicken Sie auf die verschiedenen Kategorienüberschriften, um mehr zu erfahren. Sie können auch einige Ihrer Einstellungen ändern. Beachten Sie, dass das Blockieren einiger Arten von Cookies Auswirkungen auf Ihre Erfahrung auf unseren Websites haben kann.',
      'Diese Cookies sind unbedingt erforderlich, um Ihnen die auf unserer Webseite verfügbaren Dienste und Funktionen zur Verfügung zu stellen. Da diese Cookies für die Funktion unbedingt erforderlich sind, hat die Ablehnung Auswirkungen auf die Funktionsweise unserer Webseite.',
      'Wir respektieren es voll und ganz, wenn Sie Cookies ablehnen möchten. Um zu vermeiden, dass Sie immer wieder nach Cookies gefragt werden, erlauben Sie uns bitte, einen Cookie für Ihre Einstellungen zu speichern.',
    ];
    const { paragraphs } = bodyOf(
      `${NAVIGATION}<section class="av_textblock_section"><div class="avia_textblock">${zooParagraphs}</div></section>` +
        `<div id="av-consent-extra-info" class="av-inline-modal main_color avia-hide-popup-close"><div class="tab_inner_content invers-color">${policy.map((text) => `<p>${text}</p>`).join('')}</div></div>`,
    );
    expect(paragraphs).toEqual(ZOO_TEXT);
  });

  it('leaves out a privacy policy shown in a dialog box (youhadmeatgardening.com)', () => {
    const policy = Array.from({ length: 5 }, (_, index) => `<p>This privacy policy outlines what info we gather from our visitors and contributors, the tools we use to do so, and how that information is used, part ${index + 1}, with the choices you have about it.</p>`).join('');
    const { paragraphs } = bodyOf(`${NAVIGATION}<main class="main"><div class="the-content">${zooParagraphs}</div></main><div class="dialog" id="privacy"><div class="dialog__content"><div class="dialog__text"><h2>Privacy Policy</h2>${policy}</div></div></div>`);
    expect(paragraphs).toEqual(ZOO_TEXT);
  });

  it('keeps subheads printed beside their text boxes (chemietechnik.de)', () => {
    const section = (heading: string, text: string): string => `<div class="row ce_text_postmanager block"><h2>${heading}</h2><div class="col-12"><p>${text}</p></div></div>`;
    const { paragraphs } = bodyOf(
      `${NAVIGATION}<article class="articleBody">` +
        section('Neues Labor in Leverkusen eingerichtet', ZOO_TEXT[0]!) +
        section('Auch HDMA mithilfe von Biotechnologie produziert', ZOO_TEXT[1]!) +
        section('Nachhaltige Erzeugung von Anilin', ZOO_TEXT[2]!) +
        '</article>',
    );
    expect(paragraphs).toEqual(['Neues Labor in Leverkusen eingerichtet', ZOO_TEXT[0], 'Auch HDMA mithilfe von Biotechnologie produziert', ZOO_TEXT[1], 'Nachhaltige Erzeugung von Anilin', ZOO_TEXT[2]]);
  });

  it('keeps an opening paragraph styled as a heading, too long for a subhead (theoriginalcopy.de)', () => {
    const opening =
      'Lange habe ich diesen vorerst ‚letzten‘ Artikel vor mir hergeschoben. Eigentlich bin ich ja eher der Typ ‚get shit done‘, also hake gerne Dinge ab. Aber aus unerklärlichen, wahrscheinlich schlichtweg undefinierbaren Gefühlsgründen schiebe ich dieses Textstück nun schon Wochen vor mir her. Diesen Text zu schreiben fühlt sich für mich nämlich irgendwie an wie Abschied nehmen. Und das mag ich nicht.';
    const { paragraphs } = bodyOf(`${NAVIGATION}<article class="post"><div class="entry-content"><h3 style="text-align: justify;">${opening}</h3>${zooParagraphs}</div></article>`);
    expect(paragraphs).toEqual([opening, ...ZOO_TEXT]);
  });

  it('leaves out captions printed as paragraphs, a closing call to follow the site and a line introducing a dropped box (gipfelbuch.ch, jamaica-gleaner.com, l-mag.de)', () => {
    const { paragraphs } = bodyOf(
      `${NAVIGATION}<div class="article-content">${zooParagraphs}` +
        '<p>Abbildung: Vergleich auf dem Aletschgletscher. Unsere quantifizierten Variationen der Schneehöhe (links) passen optisch sehr gut mit beobachteten Variationen des Schneeaufkommens (rechts) zusammen.</p>' +
        '<p>All five crash victims were taken to a hospital where Grant and Ambersley were pronounced dead.</p>' +
        '<p><strong>Follow The Gleaner on Twitter and Instagram @JamaicaGleaner and on Facebook @GleanerJamaica.</strong></p>' +
        '<p>Weiterlesen:</p><ul class="related"><li><a href="/x">Gedenken im Bundestag</a></li></ul></div>',
    );
    expect(paragraphs).toEqual([...ZOO_TEXT, 'All five crash victims were taken to a hospital where Grant and Ambersley were pronounced dead.']);
  });

  it('leaves out an advertiser disclosure, star ratings, the filed-under line and a call to write in (thepointsguy.com, aktion-hummelschutz.de, whiskyverkostung.com, theatlantic.com)', () => {
    const { paragraphs } = bodyOf(
      `${NAVIGATION}<div class="article-content"><section class="editorial-disclosure"><p>This post contains references to products from one or more of our advertisers. We may receive compensation when you click on links to those products.</p></section>` +
        `${zooParagraphs}<p><span class="post-ratings" id="post-ratings-4373"><strong>War der Artikel nützlich?</strong> (95 Stimmen: 4,73 von 5) Loading...</span></p>` +
        '<p class="postmetadata alt">Der Beitrag wurde am Mittwoch, den 27. November 2019 um 15:21 Uhr veröffentlicht und wurde unter Allgemein abgelegt.</p>' +
        '<section class="c-letters-cta"><p class="c-letters-cta__text">We want to hear what you think about this article. Submit a letter to the editor or write to letters@theatlantic.com.</p></section></div>',
    );
    expect(paragraphs).toEqual(ZOO_TEXT);
  });

  it('keeps a closing sentence that names two platforms in passing (rp.pl)', () => {
    const closing = 'Windows jest ostatnim mainstreamowym systemem operacyjnym, który nadal utrzymywał obsługę technologii Flash. Systemy iOS i Android nigdy go nie obsługiwały, a przeglądarki wycofały ją już wcześniej.';
    const { paragraphs } = bodyOf(`${NAVIGATION}<div class="article-content">${zooParagraphs}<p>${closing}</p></div>`);
    expect(paragraphs.at(-1)).toBe(closing);
  });
});

describe('generic body: lists', () => {
  it('keeps a list of the text\'s points printed above it, its items too short for paragraphs, and leaves out a list of links (adac.de)', () => {
    const points = ['Elf Modelle sind empfehlenswert', 'Vier fallen wegen zu hohen Schadstoffen durch', 'Mit dabei: Ein Kindersitz zum Aufpumpen'];
    const { paragraphs } = bodyOf(
      `${NAVIGATION}<div id="l_main_content" class="l-main-content"><div class="cf m-basic-text h-space-m"><ul class="m-basic-list">${points.map((point) => `<li><strong>${point}</strong></li>`).join('')}</ul></div>` +
        ZOO_TEXT.map((text) => `<div class="cf m-basic-text h-space-m"><div><p>${text}</p></div></div>`).join('<ul><li><a href="/tests/reifen">Reifentest 2018: die besten Winterreifen</a></li><li><a href="/tests/autositze">Alle Kindersitztests seit 2010</a></li></ul>') +
        '</div>',
    );
    expect(paragraphs).toEqual([...points, ...ZOO_TEXT]);
  });
});

describe('generic body: hidden boxes', () => {
  it('leaves out a line the markup hides (display:none), so the line introducing a dropped embed dangles and goes too (incurvy.de)', () => {
    const { paragraphs } = bodyOf(
      `${NAVIGATION}<div class="entry-content">${zooParagraphs}<p>Das Thema könnte dich auch interessieren:</p>` +
        '<blockquote class="wp-embedded-content"><p><a href="/trends/naturpeelings/">Natur Peelings selber machen: für Gesicht und Körper</a></p></blockquote>' +
        '<div class="hatom-extra" style="display:none !important;visibility:hidden;"><span class="entry-title">Wellness Gesichtsbehandlung: Plaisir D’Aromes</span> was last modified: <span class="updated"> Januar 8th, 2017</span> by <span class="author vcard"><span class="fn">Maria</span></span></div></div>',
    );
    expect(paragraphs).toEqual(ZOO_TEXT);
  });
});

describe('generic body: pages without a <body> tag', () => {
  /** As `news-ingest extract` reads a saved page: its parser makes no <body> the page does not print. */
  const savedBody = (html: string): string[] => extractSavedPage(html, { url: 'https://www.example.org/article/1' }).body.paragraphs;

  it('reads a minified page that leaves out the optional <body> tag (hoy.com.py)', () => {
    const html = `<!DOCTYPE html><html lang=es><head><title>Darán bendición a vehículos este sábado</title></head><div class=site-wrapper>${NAVIGATION}<main id=content role=main><article class=entry-main-content><h1>Darán bendición a vehículos este sábado</h1><div class=entry-text>${zooParagraphs}</div></article></main></div></html>`;
    expect(savedBody(html)).toEqual(ZOO_TEXT);
  });

  it('reads a page that closes neither its <head> nor opens a <body>, so the parser leaves the text inside the head (volksstimme.ch)', () => {
    const html = `<!DOCTYPE html><html><head><meta charset="UTF-8"><title>«Gute Löhne alleine reichen nicht»</title><div class="container"><div class="row">${NAVIGATION}<div id="article" class="jslc isPaywall"><h1>«Gute Löhne alleine reichen nicht»</h1><div class="content">${zooParagraphs}</div></div></div></div></html>`;
    expect(savedBody(html)).toEqual(ZOO_TEXT);
  });
});

describe('generic lead', () => {
  it('reads a page whose whole text is its lead as the body, without a lead repeating it (caymancompass.com, cut for non-subscribers)', () => {
    const text = 'A senior prison official has said in a sworn affidavit that ‘anyone with sufficient determination to escape’ from Cayman’s prison could do so.';
    const { lead, paragraphs } = bodyOf(
      `${NAVIGATION}<article class="post"><h1>Prison official: Anyone could escape from Northward</h1><div class="td-post-content"><p>${text}</p></div>` +
        '<div class="paywall-box">You have 4 free articles left this month</div></article>',
      `<meta name="description" content="${text}">`,
    );
    expect(paragraphs).toEqual([text]);
    expect(lead).toBeNull();
  });

  it('takes the printed lead under an "article-teaser" class when the description copies it (bmfsfj.de)', () => {
    const printed = 'Klimaschutz, Pandemiebekämpfung, Gleichstellung und ein starkes Miteinander: Das Bundeskabinett hat sich auf ein Programm für die diesjährige deutsche G7-Präsidentschaft verständigt.';
    const { lead, paragraphs } = bodyOf(
      `${NAVIGATION}<div class="article article--announcement"><div class="article-intro"><h1>Programm der G7-Präsidentschaft</h1><p class="article-teaser">${printed}</p></div><div class="article-body">${zooParagraphs}</div></div>`,
      '<meta name="description" content="Klimaschutz, Pandemiebekämpfung, Gleichstellung und ein starkes Miteinander: Das Bundeskabinett hat sich auf ein Programm für die diesjährige deutsche G7-Präsidentschaft">',
    );
    expect(lead).toBe(printed);
    expect(paragraphs).toEqual(ZOO_TEXT);
  });
});
