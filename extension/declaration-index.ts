// The declarations of each open document, from static parsing only (no code runs): CodeLenses, Test
// Explorer items and trust-restricted mode all work from this. Parsed once per document version.

import * as vscode from 'vscode';
import { scanDeclarations } from '../core/discovery/index';
import type { DiscoveredDeclaration } from '../core/discovery/types';

const LANGUAGES = new Set(['typescript', 'javascript', 'typescriptreact', 'javascriptreact']);
/** A file without a call that looks like fn(, layer( or model( cannot declare anything: skip parsing it. */
const MAYBE_DECLARES = /\b(fn|layer|model)\s*(<[^>]*>)?\s*\(/;

interface Entry {
  version: number;
  declarations: DiscoveredDeclaration[];
}

export class DeclarationIndex {
  private readonly cache = new Map<string, Entry>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  /** Time spent parsing (ms) and files parsed, for the log and the integration tests' measurements. */
  readonly stats = { parseMs: 0, parsed: 0 };

  constructor(private readonly log: vscode.LogOutputChannel) {}

  static isCandidate(document: vscode.TextDocument): boolean {
    return document.uri.scheme === 'file' && LANGUAGES.has(document.languageId) && !document.uri.fsPath.includes('/node_modules/');
  }

  /** The declarations of a document as it is now (also unsaved). */
  declarations(document: vscode.TextDocument): DiscoveredDeclaration[] {
    if (!DeclarationIndex.isCandidate(document)) return [];
    const key = document.uri.toString();
    const cached = this.cache.get(key);
    if (cached && cached.version === document.version) return cached.declarations;
    const declarations = this.scan(document.uri.fsPath, document.getText());
    const before = cached?.declarations.map(signature).join('\n');
    this.cache.set(key, { version: document.version, declarations });
    if (before !== declarations.map(signature).join('\n')) this.changed.fire(document.uri);
    return declarations;
  }

  /** Declarations of a file on disk (workspace-wide runs over files that are not open). */
  async declarationsOnDisk(uri: vscode.Uri): Promise<DiscoveredDeclaration[]> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return this.declarations(open);
    const bytes = await vscode.workspace.fs.readFile(uri);
    return this.scan(uri.fsPath, Buffer.from(bytes).toString('utf8'));
  }

  forget(uri: vscode.Uri): void {
    this.cache.delete(uri.toString());
  }

  private scan(file: string, text: string): DiscoveredDeclaration[] {
    if (!MAYBE_DECLARES.test(text)) return [];
    try {
      const started = Date.now();
      const declarations = scanDeclarations(file, text);
      this.stats.parseMs += Date.now() - started;
      this.stats.parsed++;
      this.log.debug(`parsed ${file} in ${Date.now() - started} ms: ${declarations.length} declaration(s)`);
      return declarations;
    } catch (error) {
      // A parse that throws must not take the lenses of other files down with it.
      this.log.warn(`could not parse ${file}: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** What matters to the views: a declaration added, removed, renamed or moved. */
function signature(d: DiscoveredDeclaration): string {
  return `${d.name}:${d.kind}:${d.range.start.line}:${d.range.end.line}:${d.gradients.map((g) => g.keyPath.join('.')).join(',')}`;
}
