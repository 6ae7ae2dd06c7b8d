// Conversions between the report's ranges (0-based, file paths) and VS Code's.

import * as vscode from 'vscode';
import type { SourceRange } from '../core/report/types';

export function toRange(range: SourceRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.column, range.end.line, range.end.column);
}

export function toLocation(range: SourceRange): vscode.Location {
  return new vscode.Location(vscode.Uri.file(range.file), toRange(range));
}

/** Opens the file of a range and selects the range (heatmap clicks, "go to gradient"). */
export async function revealRange(range: SourceRange): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(range.file));
  const editor = await vscode.window.showTextDocument(document, { preview: false, viewColumn: vscode.ViewColumn.One });
  const target = toRange(range);
  editor.selection = new vscode.Selection(target.start, target.end);
  editor.revealRange(target, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
