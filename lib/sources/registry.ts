import type { SourceRef } from '../schema/article.ts';
import { site24h } from './24h.ts';
import { baodanangFamily } from './baodanang.ts';
import { baotintuc } from './baotintuc.ts';
import { dantri } from './dantri.ts';
import { hemeraFamily } from './hemera.ts';
import { laodong } from './laodong.ts';
import { qdnd } from './qdnd.ts';
import { tuoitreFamily } from './tuoitre.ts';
import type { SourceAdapter, SourceSite } from './types.ts';
import { vietnamnet } from './vietnamnet.ts';
import { vnexpress } from './vnexpress.ts';
import { vov } from './vov.ts';

export const ADAPTERS: readonly SourceAdapter[] = [baodanangFamily, vnexpress, tuoitreFamily, dantri, vietnamnet, hemeraFamily, laodong, qdnd, vov, baotintuc, site24h];

/** One source per publisher domain; families share an adapter, never a source id. */
export const SITES: readonly SourceSite[] = [
  { id: 'baodanang', name: 'Báo Đà Nẵng', domain: 'baodanang.vn', aliases: ['en.baodanang.vn'] },
  { id: 'hanoimoi', name: 'Hà Nội Mới', domain: 'hanoimoi.vn' },
  { id: 'nguoiquansat', name: 'Người Quan Sát', domain: 'nguoiquansat.vn' },
  { id: 'baohaiphong', name: 'Báo Hải Phòng', domain: 'baohaiphong.vn' },
  { id: 'baoquangnam', name: 'Báo Quảng Nam', domain: 'baoquangnam.vn' },
  { id: 'vnexpress', name: 'VnExpress', domain: 'vnexpress.net' },
  { id: 'tuoitre', name: 'Tuổi Trẻ', domain: 'tuoitre.vn' },
  { id: 'thanhnien', name: 'Thanh Niên', domain: 'thanhnien.vn' },
  { id: 'nld', name: 'Người Lao Động', domain: 'nld.com.vn' },
  { id: 'dantri', name: 'Dân Trí', domain: 'dantri.com.vn' },
  { id: 'vietnamnet', name: 'VietNamNet', domain: 'vietnamnet.vn' },
  { id: 'tienphong', name: 'Tiền Phong', domain: 'tienphong.vn' },
  { id: 'vietnamplus', name: 'VietnamPlus', domain: 'vietnamplus.vn' },
  { id: 'soha', name: 'Soha', domain: 'soha.vn' },
  { id: 'cafef', name: 'CafeF', domain: 'cafef.vn' },
  { id: 'genk', name: 'GenK', domain: 'genk.vn' },
  { id: 'kenh14', name: 'Kênh 14', domain: 'kenh14.vn' },
  { id: 'vietnambiz', name: 'VietnamBiz', domain: 'vietnambiz.vn' },
  { id: 'afamily', name: 'Afamily', domain: 'afamily.vn' },
  { id: 'cafebiz', name: 'CafeBiz', domain: 'cafebiz.vn' },
  { id: 'laodong', name: 'Báo Lao Động', domain: 'laodong.vn' },
  { id: 'vneconomy', name: 'VnEconomy', domain: 'vneconomy.vn' },
  { id: 'nhandan', name: 'Báo Nhân Dân', domain: 'nhandan.vn' },
  { id: 'sggp', name: 'Báo Sài Gòn Giải Phóng', domain: 'sggp.org.vn' },
  { id: 'plo', name: 'Báo Pháp Luật TP.HCM', domain: 'plo.vn' },
  { id: 'qdnd', name: 'Báo Quân đội nhân dân', domain: 'qdnd.vn' },
  { id: 'vov', name: 'Báo điện tử VOV', domain: 'vov.vn' },
  { id: 'baotintuc', name: 'Báo Tin tức', domain: 'baotintuc.vn' },
  { id: '24h', name: 'Tin tức 24h', domain: '24h.com.vn' },
];

/** The page host without "www." (the form domains are listed in), or an error naming the bad URL. */
export function hostOf(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not an absolute URL: ${JSON.stringify(url)}`);
  }
  return parsed.hostname.toLowerCase().replace(/^www\./, '');
}

/** A host belongs to a domain when it is the domain itself or one of its subdomains (m.vnexpress.net). */
function hostMatches(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

export function adapterById(id: string): SourceAdapter {
  const adapter = ADAPTERS.find((candidate) => candidate.id === id);
  if (!adapter) throw new Error(`unknown adapter "${id}" (known: ${ADAPTERS.map((known) => known.id).join(', ')})`);
  return adapter;
}

export function findAdapter(url: string): SourceAdapter | null {
  const host = hostOf(url);
  return ADAPTERS.find((adapter) => adapter.domains.some((domain) => hostMatches(host, domain))) ?? null;
}

/**
 * The source an article from this URL belongs to. Known publishers keep their configured id and name;
 * any other site is identified by its host, named by the page's og:site_name when it has one.
 */
export function sourceForUrl(url: string, siteName?: string | null): SourceRef {
  const host = hostOf(url);
  const byAlias = SITES.find((site) => site.aliases?.includes(host));
  const site = byAlias ?? SITES.find((candidate) => hostMatches(host, candidate.domain));
  if (site) return { id: site.id, name: site.name, domain: site.domain };
  const name = siteName?.trim();
  return { id: host, name: name ? name : host, domain: host };
}
