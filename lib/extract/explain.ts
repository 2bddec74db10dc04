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

  reject(field: TracedField, from: string, value: unknown, why: string): void {
    this.entry(field).rejected.push({ from, value, why });
  }

  toJSON(): Record<string, FieldTrace> {
    return Object.fromEntries(this.fields);
  }
}
