// ts.Program construction for full discovery, kept cheap for an editor that asks on every save: no default
// library, no @types, packages not followed (only the workspace's own files), parsed files reused across
// calls until they change on disk, and the previous program passed as oldProgram for structure reuse.

import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { GRADLENS_MODULE } from './exports';

/** Parsed files kept between calls (least recently used dropped first). */
const MAX_CACHED_FILES = 2000;
/** Previous programs kept (one per root file) to hand to createProgram as oldProgram. */
const MAX_CACHED_PROGRAMS = 32;

interface CachedSourceFile {
  /** mtime and size for a file read from disk; 'buffer' plus the text for an editor's unsaved content. */
  stamp: string;
  text?: string;
  sourceFile: ts.SourceFile;
}

interface CachedOptions {
  stamp: string;
  options: ts.CompilerOptions;
}

/** What discovery never needs from a project's compiler options; the rest (paths, baseUrl, rootDirs…) is kept. */
const CHEAP_OPTIONS: ts.CompilerOptions = {
  noLib: true,
  types: [],
  allowJs: true,
  checkJs: false,
  skipLibCheck: true,
  skipDefaultLibCheck: true,
  noEmit: true,
  declaration: false,
  composite: false,
  incremental: false,
  resolveJsonModule: false,
  maxNodeModuleJsDepth: 0,
  // Bundler resolution finds extensionless relative imports, `.js` specifiers of `.ts` files and `paths`.
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowImportingTsExtensions: true,
  plugins: [],
};

export class ProgramCache {
  private readonly files = new Map<string, CachedSourceFile>();
  private readonly programs = new Map<string, ts.Program>();
  private readonly configs = new Map<string, CachedOptions>();

  /** A program rooted at `file` (absolute), with `text` standing in for its content when given. */
  program(file: string, text?: string): ts.Program {
    const options = this.optionsFor(file);
    const rootName = ts.sys.useCaseSensitiveFileNames ? normalize(file) : normalize(file).toLowerCase();
    const host = this.host(options, normalize(file), text);
    const oldProgram = this.programs.get(rootName);
    const program = ts.createProgram({ rootNames: [normalize(file)], options, host, oldProgram });
    this.programs.delete(rootName);
    this.programs.set(rootName, program);
    trim(this.programs, MAX_CACHED_PROGRAMS);
    return program;
  }

  clear(): void {
    this.files.clear();
    this.programs.clear();
    this.configs.clear();
  }

  private host(options: ts.CompilerOptions, root: string, rootText: string | undefined): ts.CompilerHost {
    const host = ts.createCompilerHost(options, true);
    const resolutionCache = ts.createModuleResolutionCache(host.getCurrentDirectory(), (f) => host.getCanonicalFileName(f), options);
    host.getSourceFile = (fileName, languageVersion) => this.sourceFile(fileName, languageVersion, fileName === root ? rootText : undefined);
    const fileExists = host.fileExists.bind(host);
    const readFile = host.readFile.bind(host);
    host.fileExists = (fileName) => (fileName === root && rootText !== undefined) || fileExists(fileName);
    host.readFile = (fileName) => (fileName === root && rootText !== undefined ? rootText : readFile(fileName));
    host.writeFile = () => undefined;
    // Resolve imports afresh every time (a few stat calls each): an import that failed before may now find
    // a file created since, and TS would otherwise keep the old answer for an unchanged importer.
    host.hasInvalidatedResolutions = () => true;
    host.resolveModuleNameLiterals = (literals, containingFile, redirectedReference, compilerOptions) =>
      literals.map((literal) => {
        const specifier = literal.text;
        // 'gradlens' is recognized by name; following it (or any package) would only parse files discovery never reads.
        if (specifier === GRADLENS_MODULE || specifier.startsWith(`${GRADLENS_MODULE}/`)) return { resolvedModule: undefined };
        const resolved = ts.resolveModuleName(specifier, containingFile, compilerOptions, host, resolutionCache, redirectedReference);
        if (!resolved.resolvedModule || resolved.resolvedModule.isExternalLibraryImport || isInNodeModules(resolved.resolvedModule.resolvedFileName)) {
          return { resolvedModule: undefined };
        }
        return resolved;
      });
    return host;
  }

  private sourceFile(fileName: string, languageVersion: ts.ScriptTarget | ts.CreateSourceFileOptions, override: string | undefined): ts.SourceFile | undefined {
    const key = ts.sys.useCaseSensitiveFileNames ? fileName : fileName.toLowerCase();
    const cached = this.files.get(key);
    let stamp: string;
    let text: string;
    if (override !== undefined) {
      if (cached?.stamp === 'buffer' && cached.text === override) return touch(this.files, key, cached).sourceFile;
      stamp = 'buffer';
      text = override;
    } else {
      let stat: fs.Stats;
      try {
        stat = fs.statSync(fileName);
      } catch {
        return undefined;
      }
      stamp = `${stat.mtimeMs}:${stat.size}`;
      if (cached?.stamp === stamp) return touch(this.files, key, cached).sourceFile;
      try {
        text = fs.readFileSync(fileName, 'utf8');
      } catch {
        return undefined;
      }
    }
    const sourceFile = ts.createSourceFile(fileName, text, languageVersion, true);
    this.files.delete(key);
    this.files.set(key, { stamp, text: override, sourceFile });
    trim(this.files, MAX_CACHED_FILES);
    return sourceFile;
  }

  /** The nearest tsconfig.json's options (paths, baseUrl) made cheap; the defaults when there is none. */
  private optionsFor(file: string): ts.CompilerOptions {
    const configPath = ts.findConfigFile(path.dirname(file), ts.sys.fileExists, 'tsconfig.json');
    if (!configPath) return { ...CHEAP_OPTIONS };
    let stamp: string;
    try {
      const stat = fs.statSync(configPath);
      stamp = `${stat.mtimeMs}:${stat.size}`;
    } catch {
      return { ...CHEAP_OPTIONS };
    }
    const cached = this.configs.get(configPath);
    if (cached?.stamp === stamp) return cached.options;
    const options = { ...readProjectOptions(configPath), ...CHEAP_OPTIONS };
    this.configs.set(configPath, { stamp, options });
    return options;
  }
}

/** Compiler options of a tsconfig (with `extends`), without listing the project's files (no directory walk). */
function readProjectOptions(configPath: string): ts.CompilerOptions {
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error || !read.config) return {};
  const host: ts.ParseConfigHost = {
    useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames,
    readDirectory: () => [],
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
  };
  try {
    return ts.parseJsonConfigFileContent(read.config, host, path.dirname(configPath), undefined, configPath).options;
  } catch {
    return {};
  }
}

function normalize(file: string): string {
  return path.resolve(file).split(path.sep).join('/');
}

function isInNodeModules(file: string): boolean {
  return /[\\/]node_modules[\\/]/.test(file);
}

function touch<K, V>(map: Map<K, V>, key: K, value: V): V {
  map.delete(key);
  map.set(key, value);
  return value;
}

function trim<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) map.delete(map.keys().next().value as K);
}
