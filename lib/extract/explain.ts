import type { ExtractedFields } from './types.ts';

/** Where a candidate value was read: "adapter tuoitre/detail-content h1.detail-title", "jsonld NewsArticle.author", "meta article:section", "heuristic …". */
export interface Candidate {
  from: string;
  value: unknown;
}

export interface RejectedCandidate extends Candidate {
  why: string;
}

export interface FieldTrace {
  chosen: Candidate | null;
  rejected: RejectedCandidate[];
}

export type TracedField = keyof ExtractedFields;

/**
 * What `news-ingest extract --explain` prints: per field, the source of the value kept and the candidates
 * turned down with the reason. Extraction records into it only when one is passed (ExtractOptions.trace);
 * without it every record call is a no-op on `undefined`.
 */
export class ExtractionTrace {
  readonly fields = new Map<TracedField, FieldTrace>();

  private entry(field: TracedField): FieldTrace {
    let trace = this.fields.get(field);
    if (!trace) {
      trace = { chosen: null, rejected: [] };
      this.fields.set(field, trace);
    }
    return trace;
  }

  /** The value kept for the field; the first call wins (later sources only fill what earlier ones left). */
  chose(field: TracedField, from: string, value: unknown): void {
    const trace = this.entry(field);
    trace.chosen ??= { from, value };
  }

  /** A later source that corrects the kept value (a layout's hook): the earlier one becomes a rejected candidate. */
  replace(field: TracedField, from: string, value: unknown, why: string): void {
    const trace = this.entry(field);
    if (trace.chosen) trace.rejected.push({ ...trace.chosen, why });
    trace.chosen = { from, value };
  }

  /** Takes one field's record from another trace (the generic path's, for a field the adapter left unfound). */
  adopt(field: TracedField, other: ExtractionTrace): void {
    const theirs = other.fields.get(field);
    if (!theirs) return;
    const mine = this.entry(field);
    mine.chosen ??= theirs.chosen;
    mine.rejected.push(...theirs.rejected);
  }

  reject(field: TracedField, from: string, value: unknown, why: string): void {
    this.entry(field).rejected.push({ from, value, why });
  }
}

const MAX_SHOWN_VALUE = 120;

function shown(value: unknown): string {
  if (value === null || value === undefined) return '—';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_SHOWN_VALUE ? `${text.slice(0, MAX_SHOWN_VALUE - 1)}…` : text;
}

/** The trace as text, a block per field: the value kept and its source, then each candidate turned down and why. */
export function formatExplanation(trace: ExtractionTrace): string {
  const lines: string[] = [];
  for (const [field, record] of trace.fields) {
    lines.push(`${field}: ${record.chosen ? shown(record.chosen.value) : 'not found'}`);
    if (record.chosen) lines.push(`  from     ${record.chosen.from}`);
    for (const rejected of record.rejected) lines.push(`  rejected ${rejected.from}: ${shown(rejected.value)} (${rejected.why})`);
  }
  return lines.join('\n');
}
