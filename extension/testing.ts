// Test Explorer: every declaration is a test item at its range, with one child per gradient (per layer for
// models). Run and continuous-run profiles go through the same checker as lenses and saves; failures carry
// numeric as expected and analytic as actual, located at the gradient expression. Edits invalidate results.

import * as vscode from 'vscode';
import type { DeclarationReport, TensorResult } from '../core/report/types';
import type { DiscoveredDeclaration } from '../core/discovery/types';
import type { Checker } from './checker';
import { checkOnSave } from './config';
import type { DeclarationIndex } from './declaration-index';
import { wrongGradientMessage } from './diagnostic-model';
import { elementName, gradientName, precise } from './format';
import { toLocation, toRange } from './ranges';
import type { ResultsStore } from './results-store';

const SOURCE_GLOB = '**/*.{ts,mts,cts,js,mjs,cjs}';
const EXCLUDE_GLOB = '{**/node_modules/**,**/dist/**,**/out/**,**/.*/**}';

/** One result written into a test run (the API exposes these: VS Code offers no stable way to read results). */
export interface RecordedResult {
  id: string;
  status: 'passed' | 'failed' | 'errored' | 'skipped';
  messages: vscode.TestMessage[];
}

export class GradlensTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('gradlens', 'Gradlens gradient checks');
  private readonly recorded = new vscode.EventEmitter<RecordedResult>();
  readonly onDidRecord = this.recorded.event;
  private readonly subscriptions: vscode.Disposable[] = [this.controller, this.recorded];

  constructor(
    private readonly index: DeclarationIndex,
    private readonly checker: Checker,
    private readonly store: ResultsStore,
  ) {
    this.controller.resolveHandler = (item) => (item ? undefined : this.discoverWorkspace());
    this.controller.refreshHandler = () => this.discoverWorkspace();
    this.controller.createRunProfile('Check gradients', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token), true, undefined, true);
    this.subscriptions.push(index.onDidChange((uri) => this.syncDocument(uri)));
    const { dispose } = store.onDidChange((file) => this.onStoreChange(file));
    this.subscriptions.push({ dispose });
  }

  /** Lists every model file of every workspace folder (when the Testing view first opens). */
  async discoverWorkspace(): Promise<void> {
    const uris = await vscode.workspace.findFiles(SOURCE_GLOB, EXCLUDE_GLOB);
    await Promise.all(uris.map(async (uri) => this.setFile(uri, await this.index.declarationsOnDisk(uri))));
  }

  /** An open document's declarations changed (added, removed, moved). */
  syncDocument(uri: vscode.Uri): void {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (document) this.setFile(uri, this.index.declarations(document));
  }

  private setFile(uri: vscode.Uri, declarations: DiscoveredDeclaration[]): void {
    const id = uri.toString();
    if (!declarations.length) {
      this.controller.items.delete(id);
      return;
    }
    let fileItem = this.controller.items.get(id);
    if (!fileItem) {
      fileItem = this.controller.createTestItem(id, vscode.workspace.asRelativePath(uri, true), uri);
      this.controller.items.add(fileItem);
    }
    const items: vscode.TestItem[] = [];
    for (const declaration of declarations) {
      const itemId = `${id}#${declaration.name}`;
      const item = fileItem.children.get(itemId) ?? this.controller.createTestItem(itemId, declaration.name, uri);
      item.range = toRange(declaration.range);
      item.description = declaration.kind;
      const report = this.store.report(uri.fsPath, declaration.name);
      this.setGradientChildren(item, uri, report ? childrenFromReport(report) : childrenFromStatic(declaration));
      items.push(item);
    }
    fileItem.children.replace(items);
  }

  private setGradientChildren(item: vscode.TestItem, uri: vscode.Uri, children: { id: string; label: string; range?: vscode.Range; uri?: vscode.Uri }[]): void {
    item.children.replace(
      children.map((child) => {
        const existing = item.children.get(`${item.id}/${child.id}`);
        const childItem = existing ?? this.controller.createTestItem(`${item.id}/${child.id}`, child.label, child.uri ?? uri);
        childItem.range = child.range;
        return childItem;
      }),
    );
  }

  private onStoreChange(file: string): void {
    const fileItem = this.controller.items.get(vscode.Uri.file(file).toString());
    if (!fileItem) return;
    fileItem.children.forEach((item) => {
      const name = item.id.slice(item.id.indexOf('#') + 1);
      const state = this.store.get(file, name);
      if (state?.outdated && !state.running) this.controller.invalidateTestResults(item);
      if (state?.report) this.setGradientChildren(item, vscode.Uri.file(file), childrenFromReport(state.report));
    });
  }

  /** The declarations a request covers, grouped by file. */
  private collect(request: vscode.TestRunRequest): Map<string, { uri: vscode.Uri; items: vscode.TestItem[]; all: boolean }> {
    const files = new Map<string, { uri: vscode.Uri; items: vscode.TestItem[]; all: boolean }>();
    const excluded = new Set((request.exclude ?? []).map((i) => i.id));
    const addDeclaration = (item: vscode.TestItem, all: boolean) => {
      if (excluded.has(item.id) || !item.uri) return;
      const entry = files.get(item.uri.toString()) ?? { uri: item.uri, items: [], all };
      if (!entry.items.includes(item)) entry.items.push(item);
      entry.all = entry.all && all;
      files.set(item.uri.toString(), entry);
    };
    const visit = (item: vscode.TestItem) => {
      if (excluded.has(item.id)) return;
      if (!item.id.includes('#')) item.children.forEach((child) => addDeclaration(child, true));
      else if (!item.id.includes('/', item.id.indexOf('#'))) addDeclaration(item, false);
      else if (item.parent) addDeclaration(item.parent, false);
    };
    if (request.include) request.include.forEach(visit);
    else this.controller.items.forEach(visit);
    return files;
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    if (!this.controller.items.size) await this.discoverWorkspace();
    const run = this.controller.createTestRun(request, undefined, !request.continuous);
    const files = this.collect(request);
    const subscriptions: vscode.Disposable[] = [];
    const cancel = () => {
      for (const entry of files.values()) this.checker.scheduler.cancel(entry.uri.fsPath);
    };
    subscriptions.push(token.onCancellationRequested(cancel));
    if (!this.checker.trusted) {
      for (const entry of files.values()) for (const item of entry.items) this.skip(run, item);
      run.appendOutput('Gradlens runs your code to check gradients: trust this folder to run checks (Restricted Mode).\r\n');
      run.end();
      return;
    }
    const checkFile = async (entry: { uri: vscode.Uri; items: vscode.TestItem[]; all: boolean }, reason: string) => {
      for (const item of entry.items) {
        run.started(item);
        item.children.forEach((child) => run.started(child));
      }
      const names = entry.all ? undefined : entry.items.map((i) => i.label);
      const result = await this.checker.check({ uri: entry.uri, names, reason });
      for (const item of entry.items) {
        const report = this.store.report(entry.uri.fsPath, item.label);
        if (!result || result.cancelled || !report || this.store.isOutdated(entry.uri.fsPath, item.label)) {
          this.skip(run, item);
          item.children.forEach((child) => this.skip(run, child));
        } else this.record(run, item, report);
      }
      for (const finding of result?.findings ?? []) run.appendOutput(`${vscode.workspace.asRelativePath(entry.uri)}: ${finding.message}\r\n`);
    };
    await Promise.all([...files.values()].map((entry) => checkFile(entry, 'test run')));
    if (request.continuous && !token.isCancellationRequested) {
      // Keep the run open: every later check of these files (on save, or triggered here) lands in it.
      await new Promise<void>((resolve) => {
        subscriptions.push(token.onCancellationRequested(() => resolve()));
        subscriptions.push(
          vscode.workspace.onDidSaveTextDocument((document) => {
            const entry = files.get(document.uri.toString());
            if (entry && !checkOnSave(document.uri)) void checkFile(entry, 'continuous run');
          }),
        );
        subscriptions.push(
          this.checker.onDidFinish(({ job, result }) => {
            const entry = files.get(vscode.Uri.file(job.file).toString());
            if (!entry || !result || result.cancelled) return;
            for (const item of entry.items) {
              const report = this.store.report(entry.uri.fsPath, item.label);
              if (report && !this.store.isOutdated(entry.uri.fsPath, item.label)) this.record(run, item, report);
            }
          }),
        );
      });
    }
    for (const s of subscriptions) s.dispose();
    run.end();
  }

  private record(run: vscode.TestRun, item: vscode.TestItem, report: DeclarationReport): void {
    const messages: vscode.TestMessage[] = [];
    const byChild = new Map<string, TensorResult[]>();
    for (const tensor of report.tensors) {
      const id = `${item.id}/${childId(report, tensor)}`;
      byChild.set(id, [...(byChild.get(id) ?? []), tensor]);
    }
    item.children.forEach((child) => {
      const tensors = byChild.get(child.id) ?? [];
      const childMessages = tensors.flatMap((t) => tensorMessages(report, t));
      const status = worstStatus(tensors);
      if (status === 'fail') this.fail(run, child, childMessages, report.checkMs);
      else if (status === 'error') this.error(run, child, childMessages.length ? childMessages : [new vscode.TestMessage(`${child.label}: error`)], report.checkMs);
      else if (tensors.length) this.pass(run, child, report.checkMs);
      else this.skip(run, child);
      messages.push(...childMessages);
    });
    for (const finding of report.findings) {
      if (finding.severity !== 'error') continue;
      const message = new vscode.TestMessage(finding.message);
      if (finding.location) message.location = toLocation(finding.location);
      messages.push(message);
    }
    run.appendOutput(`${report.name}: ${report.summary}\r\n`, undefined, item);
    if (report.status === 'pass' || report.status === 'warn') this.pass(run, item, report.timeMs);
    else if (report.status === 'fail') this.fail(run, item, messages, report.timeMs);
    else this.error(run, item, messages.length ? messages : [new vscode.TestMessage(report.summary)], report.timeMs);
  }

  private pass(run: vscode.TestRun, item: vscode.TestItem, ms: number): void {
    run.passed(item, ms);
    this.recorded.fire({ id: item.id, status: 'passed', messages: [] });
  }

  private fail(run: vscode.TestRun, item: vscode.TestItem, messages: vscode.TestMessage[], ms: number): void {
    run.failed(item, messages, ms);
    this.recorded.fire({ id: item.id, status: 'failed', messages });
  }

  private error(run: vscode.TestRun, item: vscode.TestItem, messages: vscode.TestMessage[], ms: number): void {
    run.errored(item, messages, ms);
    this.recorded.fire({ id: item.id, status: 'errored', messages });
  }

  private skip(run: vscode.TestRun, item: vscode.TestItem): void {
    run.skipped(item);
    this.recorded.fire({ id: item.id, status: 'skipped', messages: [] });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

function childId(report: DeclarationReport, tensor: TensorResult): string {
  return report.kind === 'model' && tensor.group ? tensor.group : gradientName(tensor);
}

function childrenFromReport(report: DeclarationReport): { id: string; label: string; range?: vscode.Range; uri?: vscode.Uri }[] {
  const seen = new Map<string, { id: string; label: string; range?: vscode.Range; uri?: vscode.Uri }>();
  for (const tensor of report.tensors) {
    const id = childId(report, tensor);
    if (seen.has(id)) continue;
    const source = report.kind === 'model' ? undefined : tensor.source;
    seen.set(id, { id, label: id, range: source ? toRange(source) : undefined, uri: source ? vscode.Uri.file(source.file) : undefined });
  }
  return [...seen.values()];
}

function childrenFromStatic(declaration: DiscoveredDeclaration): { id: string; label: string; range?: vscode.Range; uri?: vscode.Uri }[] {
  const seen = new Map<string, { id: string; label: string; range?: vscode.Range; uri?: vscode.Uri }>();
  for (const site of declaration.gradients) {
    if (!site.keyPath.length) continue;
    const id = declaration.kind === 'model' ? site.keyPath[0] : site.keyPath.join('.');
    if (!seen.has(id)) seen.set(id, { id, label: id, range: declaration.kind === 'model' ? undefined : toRange(site.range), uri: vscode.Uri.file(site.range.file) });
  }
  return [...seen.values()];
}

function worstStatus(tensors: TensorResult[]): 'pass' | 'fail' | 'error' {
  if (tensors.some((t) => t.status === 'error')) return 'error';
  if (tensors.some((t) => t.status === 'fail')) return 'fail';
  return 'pass';
}

/** A failing gradient as a diff: numeric (what it should be) expected, analytic (what the code gave) actual. */
function tensorMessages(report: DeclarationReport, tensor: TensorResult): vscode.TestMessage[] {
  if (tensor.status === 'error') {
    const message = new vscode.TestMessage(`${gradientName(tensor)}: ${tensor.problem ?? 'could not be checked'}`);
    if (tensor.source) message.location = toLocation(tensor.source);
    return [message];
  }
  if (tensor.status !== 'fail') return [];
  const worst = tensor.worst;
  const text = wrongGradientMessage(report, tensor);
  const message = worst
    ? vscode.TestMessage.diff(text, `${elementName(tensor.path, worst.index)} = ${precise(worst.numeric)}`, `${elementName(tensor.path, worst.index)} = ${precise(worst.analytic)}`)
    : new vscode.TestMessage(text);
  if (tensor.source) message.location = toLocation(tensor.source);
  return [message];
}
