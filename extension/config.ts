// The extension's settings, read fresh on every use so that changes apply live. Engine-wide settings
// (workers, limits) are read unscoped; per-check settings (mode, tolerance) follow the file's folder, so
// multi-root workspaces can differ.

import * as vscode from 'vscode';
import type { EngineOptions, CheckOverrides } from '../core/engine/api';
import { DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIME_LIMIT_S } from '../core/defaults';
import type { Mode } from '../core/report/types';

export const SECTION = 'gradlens';

export interface EngineSettings {
  workers: number | undefined;
  timeLimitMs: number;
  memoryLimitMb: number;
}

export function engineSettings(): EngineSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const workers = config.get<number>('workers', 0);
  return {
    workers: workers > 0 ? Math.floor(workers) : undefined,
    timeLimitMs: Math.max(1, config.get<number>('timeLimit', DEFAULT_TIME_LIMIT_S)) * 1000,
    memoryLimitMb: Math.max(128, config.get<number>('memoryLimit', DEFAULT_MEMORY_LIMIT_MB)),
  };
}

export function engineOptions(settings: EngineSettings): Pick<EngineOptions, 'workers' | 'timeLimitMs' | 'memoryLimitMb'> {
  return { workers: settings.workers, timeLimitMs: settings.timeLimitMs, memoryLimitMb: settings.memoryLimitMb };
}

export function sameEngineSettings(a: EngineSettings, b: EngineSettings): boolean {
  return a.workers === b.workers && a.timeLimitMs === b.timeLimitMs && a.memoryLimitMb === b.memoryLimitMb;
}

/** What the settings override in each declaration's own options, for a file. */
export function checkOverrides(uri: vscode.Uri): CheckOverrides {
  const config = vscode.workspace.getConfiguration(SECTION, uri);
  const overrides: CheckOverrides = {};
  const mode = config.get<string>('mode', 'declaration');
  if (mode !== 'declaration') overrides.mode = mode as Mode;
  const tolerance = config.get<number | null>('tolerance', null);
  if (typeof tolerance === 'number' && tolerance > 0) overrides.rtol = tolerance;
  return overrides;
}

export function checkOnSave(uri: vscode.Uri): boolean {
  return vscode.workspace.getConfiguration(SECTION, uri).get<boolean>('checkOnSave', true);
}

export function checkOnType(uri: vscode.Uri): boolean {
  return vscode.workspace.getConfiguration(SECTION, uri).get<boolean>('checkOnType', false);
}

export function checkOnTypeDelay(uri: vscode.Uri): number {
  return Math.max(100, vscode.workspace.getConfiguration(SECTION, uri).get<number>('checkOnTypeDelay', 750));
}

export function diagnosticsEnabled(uri?: vscode.Uri): boolean {
  return vscode.workspace.getConfiguration(SECTION, uri).get<boolean>('diagnostics.enabled', true);
}
