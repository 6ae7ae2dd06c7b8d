// Owns the engine: started on the first check only (activation stays cheap), restarted when an engine-wide
// setting changes, disposed with the extension. Engine diagnostics go to the log channel.

import * as vscode from 'vscode';
import { join } from 'node:path';
import { Engine } from '../core/engine/engine';
import type { CheckEngine } from './scheduler';
import { engineOptions, engineSettings, sameEngineSettings, type EngineSettings } from './config';

export class EngineHost implements vscode.Disposable {
  private engine: Engine | undefined;
  private settings: EngineSettings | undefined;
  private readonly started = new vscode.EventEmitter<void>();
  /** Fires when an engine process pool is started (tests use it to prove nothing ran). */
  readonly onDidStart = this.started.event;
  private starts = 0;

  constructor(
    private readonly storage: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** How many times an engine was started in this session. */
  get startCount(): number {
    return this.starts;
  }

  get isStarted(): boolean {
    return this.engine !== undefined;
  }

  async get(): Promise<CheckEngine> {
    const settings = engineSettings();
    if (this.engine && this.settings && sameEngineSettings(this.settings, settings)) return this.engine;
    this.stop();
    this.settings = settings;
    this.engine = new Engine({
      ...engineOptions(settings),
      cacheDir: join(this.storage.fsPath, 'bundles'),
      log: (level, message) => this.log[level === 'warn' ? 'warn' : level](message),
    });
    this.starts++;
    this.log.info(`engine started (workers: ${settings.workers ?? 'auto'}, time limit ${settings.timeLimitMs / 1000} s, memory ${settings.memoryLimitMb} MiB)`);
    this.started.fire();
    return this.engine;
  }

  /** An engine-wide setting changed: the next check starts a fresh engine with it. */
  restartIfChanged(): void {
    if (this.engine && this.settings && !sameEngineSettings(this.settings, engineSettings())) {
      this.log.info('engine settings changed: restarting the engine on the next check');
      this.stop();
    }
  }

  stop(): void {
    if (!this.engine) return;
    const engine = this.engine;
    this.engine = undefined;
    this.settings = undefined;
    Promise.resolve(engine.dispose()).catch((error: unknown) => this.log.warn(`engine shutdown: ${String(error)}`));
  }

  dispose(): void {
    this.stop();
    this.started.dispose();
  }
}
