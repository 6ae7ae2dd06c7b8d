// Test Explorer: items nested by workspace folder, folder and file, then every declaration at its range with one
// child per gradient (per layer for models). Every check lands here, whatever started it (a lens, a save, typing,
// a command, a workspace check): a check the Test Explorer did not start gets a run of its own, a check it started
// (run and continuous-run profiles) records into that run. Durations are the check's own time, not time in a queue.
// Failures carry numeric as expected and analytic as actual, located at the gradient expression; a file that does
// not compile errors its declarations with the compiler's message. Edits invalidate results.

import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FileResult } from '../core/engine/api';
import type { DeclarationReport, Finding, TensorResult } from '../core/report/types';
import type { DiscoveredDeclaration } from '../core/discovery/types';
import type { Checker } from './checker';
import { checkOnSave } from './config';
import type { DeclarationIndex } from './declaration-index';
import { wrongGradientMessage } from './diagnostic-model';
import { elementName, gradientName, precise } from './format';
import { toLocation, toRange } from './ranges';
import type { ResultsStore } from './results-store';
import type { CheckJob } from './scheduler';

const SOURCE_GLOB = '**/*.{ts,mts,cts,js,mjs,cjs}';
const EXCLUDE_GLOB = '{**/node_modules/**,**/dist/**,**/out/**,**/.*/**}';
/** Folder items' ids; files are their uri, declarations `file#name`, gradients `file#name/child`. */
const FOLDER = 'folder:';

type ItemKind = 'folder' | 'file' | 'declaration' | 'gradient';

export function itemKind(id: string): ItemKind {
  if (id.startsWith(FOLDER)) return 'folder';
  const hash = id.indexOf('#');
  if (hash < 0) return 'file';
  return id.includes('/', hash) ? 'gradient' : 'declaration';
}

/** One result written into a test run (the API exposes these: VS Code offers no stable way to read results). */
export interface RecordedResult {
  id: string;
  status: 'passed' | 'failed' | 'errored' | 'skipped';
  messages: vscode.TestMessage[];
  /** The duration given to VS Code (ms): the check's own time. */
  duration?: number;
  /** The run it went into, and whether Test Explorer started it (else a lens, a save, a command… did). */
  run: string;
  fromTestExplorer: boolean;
}

interface ActiveRun {
  run: vscode.TestRun;
  name: string;
  /** Started by a run profile (which ends it), or made for a check started elsewhere (ended with the check). */
  fromTestExplorer: boolean;
}

export class GradlensTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('gradlens', 'Gradlens gradient checks');
  private readonly recorded = new vscode.EventEmitter<RecordedResult>();
  readonly onDidRecord = this.recorded.event;
  private readonly subscriptions: vscode.Disposable[] = [this.controller, this.recorded];
  /** File items by file uri (they sit under folder items). */
  private readonly files = new Map<string, vscode.TestItem>();
  /** Files a run profile is checking: their checks record into its run. */
  private readonly claims = new Map<string, ActiveRun>();
  /** The run of each check in progress, and the declaration items it has given a result. */
  private readonly jobs = new Map<CheckJob, { active: ActiveRun; resolved: Set<string> }>();

  constructor(
    private readonly index: DeclarationIndex,
    private readonly checker: Checker,
    private readonly store: ResultsStore,
  ) {
    this.controller.resolveHandler = (item) => (item ? undefined : this.discoverWorkspace());
    this.controller.refreshHandler = () => this.discoverWorkspace();
    this.controller.createRunProfile('Check gradients', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token), true, undefined, true);
    this.subscriptions.push(index.onDidChange((uri) => this.syncDocument(uri)));
    this.subscriptions.push(
      checker.onDidStart((job) => this.onCheckStart(job)),
      checker.onDidReport(({ job, report }) => this.onCheckReport(job, report)),
      checker.onDidFinish(({ job, result }) => this.onCheckFinish(job, result)),
    );
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

  /** The item of a file, if it has one. */
  fileItem(uri: vscode.Uri): vscode.TestItem | undefined {
    return this.files.get(uri.toString());
  }

  /** The children of the folder items above a file (workspace folder, then each folder on the way), made as needed. */
  private parentCollection(uri: vscode.Uri): vscode.TestItemCollection {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return this.controller.items;
    let collection = this.controller.items;
    let at = folder.uri;
    if ((vscode.workspace.workspaceFolders?.length ?? 0) > 1) collection = this.folderItem(collection, at, folder.name).children;
    const segments = path.posix.relative(folder.uri.path, uri.path).split('/').slice(0, -1);
    for (const segment of segments) {
      at = vscode.Uri.joinPath(at, segment);
      collection = this.folderItem(collection, at, segment).children;
    }
    return collection;
  }

  private folderItem(collection: vscode.TestItemCollection, uri: vscode.Uri, label: string): vscode.TestItem {
    const id = `${FOLDER}${uri.toString()}`;
    let item = collection.get(id);
    if (!item) {
      item = this.controller.createTestItem(id, label, uri);
      collection.add(item);
    }
    return item;
  }

  /** Removes a file's item and the folder items left empty above it. */
  private removeFile(uri: vscode.Uri): void {
    const item = this.files.get(uri.toString());
    if (!item) return;
    this.files.delete(uri.toString());
    let child: vscode.TestItem = item;
    for (let parent = child.parent; ; parent = child.parent) {
      (parent ? parent.children : this.controller.items).delete(child.id);
      if (!parent || parent.children.size > 0) break;
      child = parent;
    }
  }

  private setFile(uri: vscode.Uri, declarations: DiscoveredDeclaration[]): void {
    const id = uri.toString();
    if (!declarations.length) {
      this.removeFile(uri);
      return;
    }
    let fileItem = this.files.get(id);
    if (!fileItem) {
      fileItem = this.controller.createTestItem(id, path.posix.basename(uri.path), uri);
      fileItem.description = vscode.workspace.getWorkspaceFolder(uri) ? undefined : vscode.workspace.asRelativePath(uri, true);
      this.parentCollection(uri).add(fileItem);
      this.files.set(id, fileItem);
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

  /** The item of a declaration, made from its report when the tree does not have it yet (a file never listed). */
  private declarationItem(uri: vscode.Uri, name: string, report?: DeclarationReport): vscode.TestItem | undefined {
    const existing = this.files.get(uri.toString())?.children.get(`${uri.toString()}#${name}`);
    if (existing || !report) return existing;
    this.syncDocument(uri);
    const synced = this.files.get(uri.toString())?.children.get(`${uri.toString()}#${name}`);
    if (synced) return synced;
    let fileItem = this.files.get(uri.toString());
    if (!fileItem) {
      fileItem = this.controller.createTestItem(uri.toString(), path.posix.basename(uri.path), uri);
      this.parentCollection(uri).add(fileItem);
      this.files.set(uri.toString(), fileItem);
    }
    const item = this.controller.createTestItem(`${uri.toString()}#${name}`, name, uri);
    if (report.range) item.range = toRange(report.range);
    item.description = report.kind;
    fileItem.children.add(item);
    return item;
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
    const fileItem = this.files.get(vscode.Uri.file(file).toString());
    if (!fileItem) return;
    fileItem.children.forEach((item) => {
      const name = item.id.slice(item.id.indexOf('#') + 1);
      const state = this.store.get(file, name);
      if (state?.outdated && !state.running) this.controller.invalidateTestResults(item);
      if (state?.report) this.setGradientChildren(item, vscode.Uri.file(file), childrenFromReport(state.report));
    });
  }

  /** The declaration items a check covers: the names it asked for, or every declaration of the file. */
  private jobItems(job: CheckJob): vscode.TestItem[] {
    const uri = vscode.Uri.file(job.file);
    if (!this.files.has(uri.toString())) this.syncDocument(uri);
    const fileItem = this.files.get(uri.toString());
    if (!fileItem) return [];
    const items: vscode.TestItem[] = [];
    fileItem.children.forEach((item) => {
      if (!job.names || job.names.includes(item.label)) items.push(item);
    });
    return items;
  }

  private onCheckStart(job: CheckJob): void {
    const items = this.jobItems(job);
    let active = this.claims.get(job.file);
    if (!active) {
      const name = `Gradlens: ${path.basename(job.file)} (${job.reason})`;
      active = { run: this.controller.createTestRun(new vscode.TestRunRequest(items), name, true), name, fromTestExplorer: false };
    }
    this.jobs.set(job, { active, resolved: new Set() });
    for (const item of items) active.run.started(item);
  }

  private onCheckReport(job: CheckJob, report: DeclarationReport): void {
    const entry = this.jobs.get(job);
    if (!entry) return;
    const item = this.declarationItem(vscode.Uri.file(report.file), report.name, report);
    if (!item) return;
    this.setGradientChildren(item, vscode.Uri.file(report.file), childrenFromReport(report));
    entry.resolved.add(item.id);
    this.record(entry.active, item, report);
  }

  private onCheckFinish(job: CheckJob, result: FileResult | undefined): void {
    const entry = this.jobs.get(job);
    if (!entry) return;
    this.jobs.delete(job);
    const { active, resolved } = entry;
    // A file that does not compile or throws while loading: its declarations error with that message.
    const fileErrors = result && !result.cancelled ? result.findings.filter((f) => f.severity === 'error') : [];
    for (const item of this.jobItems(job)) {
      if (resolved.has(item.id)) continue;
      if (fileErrors.length) this.error(active, item, fileErrors.map(findingMessage), undefined);
      else this.skip(active, item);
    }
    for (const finding of result?.findings ?? []) active.run.appendOutput(`${vscode.workspace.asRelativePath(job.file)}: ${finding.message}\r\n`);
    if (!active.fromTestExplorer) active.run.end();
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
      switch (itemKind(item.id)) {
        case 'folder':
          item.children.forEach(visit);
          break;
        case 'file': {
          // The whole file, unless some of its declarations are excluded.
          let all = true;
          item.children.forEach((child) => (all &&= !excluded.has(child.id)));
          item.children.forEach((child) => addDeclaration(child, all));
          break;
        }
        case 'declaration':
          addDeclaration(item, false);
          break;
        case 'gradient':
          if (item.parent) addDeclaration(item.parent, false);
          break;
      }
    };
    if (request.include) request.include.forEach(visit);
    else this.controller.items.forEach(visit);
    return files;
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    if (!this.controller.items.size) await this.discoverWorkspace();
    const name = request.continuous ? 'Gradlens: continuous run' : 'Gradlens';
    const active: ActiveRun = { run: this.controller.createTestRun(request, name, !request.continuous), name, fromTestExplorer: true };
    const run = active.run;
    const files = this.collect(request);
    const subscriptions: vscode.Disposable[] = [];
    subscriptions.push(
      token.onCancellationRequested(() => {
        for (const entry of files.values()) this.checker.scheduler.cancel(entry.uri.fsPath);
      }),
    );
    if (!this.checker.trusted) {
      for (const entry of files.values()) for (const item of entry.items) this.skip(active, item);
      run.appendOutput('Gradlens runs your code to check gradients: trust this folder to run checks (Restricted Mode).\r\n');
      run.end();
      return;
    }
    // Every check of these files while this run lasts records into it (a continuous run: also those on save).
    for (const entry of files.values()) this.claims.set(entry.uri.fsPath, active);
    const checkFile = async (entry: { uri: vscode.Uri; items: vscode.TestItem[]; all: boolean }, reason: string) => {
      const names = entry.all ? undefined : entry.items.map((i) => i.label);
      const result = await this.checker.check({ uri: entry.uri, names, reason });
      // Nothing ran (no declarations on disk, superseded before it started): say so rather than leave them spinning.
      if (!result) for (const item of entry.items) this.skip(active, item);
    };
    try {
      await Promise.all([...files.values()].map((entry) => checkFile(entry, 'Test Explorer')));
      if (request.continuous && !token.isCancellationRequested) {
        await new Promise<void>((resolve) => {
          subscriptions.push(token.onCancellationRequested(() => resolve()));
          subscriptions.push(
            vscode.workspace.onDidSaveTextDocument((document) => {
              const entry = files.get(document.uri.toString());
              // With check on save on, the save's own check records here already.
              if (entry && !checkOnSave(document.uri)) void checkFile(entry, 'continuous run');
            }),
          );
        });
      }
    } finally {
      for (const entry of files.values()) if (this.claims.get(entry.uri.fsPath) === active) this.claims.delete(entry.uri.fsPath);
      for (const s of subscriptions) s.dispose();
      run.end();
    }
  }

  private record(active: ActiveRun, item: vscode.TestItem, report: DeclarationReport): void {
    const run = active.run;
    const messages: vscode.TestMessage[] = [];
    const byChild = new Map<string, TensorResult[]>();
    for (const tensor of report.tensors) {
      const id = `${item.id}/${childId(report, tensor)}`;
      byChild.set(id, [...(byChild.get(id) ?? []), tensor]);
    }
    // The check's own time (not the time it waited for a worker, nor loading the file); gradients are checked
    // together, so they get no time of their own.
    const ms = report.checkMs;
    item.children.forEach((child) => {
      const tensors = byChild.get(child.id) ?? [];
      const childMessages = tensors.flatMap((t) => tensorMessages(report, t));
      const status = worstStatus(tensors);
      if (status === 'fail') this.fail(active, child, childMessages, undefined);
      else if (status === 'error')
        this.error(active, child, childMessages.length ? childMessages : [new vscode.TestMessage(`${child.label}: error`)], undefined);
      else if (tensors.length) this.pass(active, child, undefined);
      else this.skip(active, child);
      messages.push(...childMessages);
    });
    for (const finding of report.findings) {
      if (finding.severity !== 'error') continue;
      messages.push(findingMessage(finding));
    }
    run.appendOutput(`${report.name}: ${report.summary}\r\n`, undefined, item);
    if (report.status === 'pass' || report.status === 'warn') this.pass(active, item, ms);
    else if (report.status === 'fail') this.fail(active, item, messages, ms);
    else this.error(active, item, messages.length ? messages : [new vscode.TestMessage(report.summary)], ms);
  }

  private pass(active: ActiveRun, item: vscode.TestItem, ms: number | undefined): void {
    active.run.passed(item, ms);
    this.recorded.fire({ id: item.id, status: 'passed', messages: [], duration: ms, run: active.name, fromTestExplorer: active.fromTestExplorer });
  }

  private fail(active: ActiveRun, item: vscode.TestItem, messages: vscode.TestMessage[], ms: number | undefined): void {
    active.run.failed(item, messages, ms);
    this.recorded.fire({ id: item.id, status: 'failed', messages, duration: ms, run: active.name, fromTestExplorer: active.fromTestExplorer });
  }

  private error(active: ActiveRun, item: vscode.TestItem, messages: vscode.TestMessage[], ms: number | undefined): void {
    active.run.errored(item, messages, ms);
    this.recorded.fire({ id: item.id, status: 'errored', messages, duration: ms, run: active.name, fromTestExplorer: active.fromTestExplorer });
  }

  private skip(active: ActiveRun, item: vscode.TestItem): void {
    active.run.skipped(item);
    this.recorded.fire({ id: item.id, status: 'skipped', messages: [], run: active.name, fromTestExplorer: active.fromTestExplorer });
  }

  dispose(): void {
    for (const { active } of this.jobs.values()) if (!active.fromTestExplorer) active.run.end();
    this.jobs.clear();
    for (const s of this.subscriptions) s.dispose();
  }
}

/** A finding as a test message, at its location when it has one. */
function findingMessage(finding: Finding): vscode.TestMessage {
  const message = new vscode.TestMessage(finding.message);
  if (finding.location) message.location = toLocation(finding.location);
  return message;
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
    if (!seen.has(id))
      seen.set(id, { id, label: id, range: declaration.kind === 'model' ? undefined : toRange(site.range), uri: vscode.Uri.file(site.range.file) });
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
    ? vscode.TestMessage.diff(
        text,
        `${elementName(tensor.path, worst.index)} = ${precise(worst.numeric)}`,
        `${elementName(tensor.path, worst.index)} = ${precise(worst.analytic)}`,
      )
    : new vscode.TestMessage(text);
  if (tensor.source) message.location = toLocation(tensor.source);
  return [message];
}
