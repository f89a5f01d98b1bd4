/**
 * A point on a rate-quality curve. "guide": the guide's fixed bit rates times `scale`. "crf":
 * capped CRF (AQ's rate control, packages/media rate-control.ts) at this CRF, capped at the rung.
 */
export type RatePoint = { kind: "guide"; scale: number } | { kind: "crf"; crf: number };
