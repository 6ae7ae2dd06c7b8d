// The messages between the extension host (extension/heatmap-panel.ts) and the heatmap webview, and the state
// the webview persists across reloads. Imported by both sides, so a change here is a change to both; the
// version lets either side ignore a message from a mismatched build (a stale webview after an update).

import type { DeclarationReport, SourceRange } from '../core/report/types';

export const PROTOCOL_VERSION = 1;

/** Host → webview: the report to show (a first show, a re-run, or a reply to 'ready'). */
export interface ShowMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'show';
  report: DeclarationReport;
  /** The source changed since this report was made. */
  outdated: boolean;
}

/** Host → webview: the declaration's source changed; the shown numbers no longer describe it. */
export interface OutdatedMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'outdated';
}

export type HostMessage = ShowMessage | OutdatedMessage;

/** Webview → host: the page has loaded and wants the current report. */
export interface ReadyMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'ready';
}

/** Webview → host: reveal where a tensor's gradient is computed (a heatmap cell was clicked). */
export interface RevealMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'reveal';
  range: SourceRange;
  /** The tensor path and flat element index the click was on, for the host's logs and tests. */
  tensor: string;
  flat: number | null;
}

export type ViewMessage = ReadyMessage | RevealMessage;

/** Which declaration a panel shows: the key the host looks reports up by. */
export interface DeclarationKey {
  file: string;
  name: string;
}

/** A drill-down into one tensor's heatmap: the window (in the overview's cell coordinates) that was opened. */
export interface DrillState {
  tensor: string;
  x: number;
  y: number;
}

/** What the webview saves with setState and the serializer receives after a reload or restart. */
export interface ViewState {
  v: typeof PROTOCOL_VERSION;
  key: DeclarationKey | null;
  /** The last report shown, when small enough to keep (see MAX_STATE_ELEMENTS). */
  report: DeclarationReport | null;
  outdated: boolean;
  drill: DrillState | null;
}

/** Reports with more listed elements than this are not stored in the state: the host's lookup supplies them. */
export const MAX_STATE_ELEMENTS = 50_000;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

const isPosition = (x: unknown): boolean => isObject(x) && typeof x.line === 'number' && typeof x.column === 'number';

export function isSourceRange(x: unknown): x is SourceRange {
  return isObject(x) && typeof x.file === 'string' && isPosition(x.start) && isPosition(x.end);
}

/** Validates a message from the webview: the host acts on nothing else (the page renders report strings). */
export function isViewMessage(x: unknown): x is ViewMessage {
  if (!isObject(x) || x.v !== PROTOCOL_VERSION) return false;
  if (x.type === 'ready') return true;
  return (
    x.type === 'reveal' &&
    isSourceRange(x.range) &&
    typeof x.tensor === 'string' &&
    (x.flat === null || (typeof x.flat === 'number' && Number.isInteger(x.flat) && x.flat >= 0))
  );
}

export function isHostMessage(x: unknown): x is HostMessage {
  if (!isObject(x) || x.v !== PROTOCOL_VERSION) return false;
  if (x.type === 'outdated') return true;
  return x.type === 'show' && isObject(x.report) && typeof x.outdated === 'boolean';
}

export function isViewState(x: unknown): x is ViewState {
  if (!isObject(x) || x.v !== PROTOCOL_VERSION) return false;
  const key = x.key;
  const keyOk = key === null || (isObject(key) && typeof key.file === 'string' && typeof key.name === 'string');
  return keyOk && (x.report === null || isObject(x.report)) && typeof x.outdated === 'boolean';
}

/** Number of element entries a report carries (what makes it expensive to persist). */
export function listedElements(report: DeclarationReport): number {
  let n = 0;
  for (const t of report.tensors) n += t.elements?.flat.length ?? 0;
  return n;
}
