// What activate() returns: the extension's state, for the integration tests (and other extensions) to
// observe checks without scraping the UI.

import type * as vscode from 'vscode';
import type { Checker } from './checker';
import type { EngineHost } from './engine-host';
import type { ResultsStore } from './results-store';
import type { RecordedResult } from './testing';

export interface GradlensApi {
  store: ResultsStore;
  checker: Checker;
  engines: EngineHost;
  tests: vscode.TestController;
  /** A file's Test Explorer item (under its folder items), once the file has been listed or checked. */
  testFileItem(uri: vscode.Uri): vscode.TestItem | undefined;
  /** Fires for every result written into a Test Explorer run. */
  onDidRecordTestResult: vscode.Event<RecordedResult>;
  /** How long activate() took (ms). */
  activationMs: number;
  /** Static parsing so far: total time (ms) and files parsed. */
  parseStats: { parseMs: number; parsed: number };
  /** Resolves when no check is running. */
  whenIdle(): Promise<void>;
}
