/**
 * Which exports of src/ no other module uses, read with the TypeScript checker
 * over the project (tsconfig.json: src/, test/, bench/): an export counts as
 * used when an identifier of another file resolves to it — an import, a
 * re-export (`export { x } from`), a namespace (`ns.x`), a lazy import
 * (`(await import('./m.js')).x`, `const { x } = await import(…)`,
 * `.then((m) => m.x)`), a type query, JSX.
 *
 * A type used by another export of its own file (a parameter, a return type, a
 * field) is that export's public shape and counts as used (knip's rule too).
 */
import ts from 'typescript';
import { join, relative } from 'node:path';

export interface ExportGraph {
  /** Every export declared by a file of src/, as "src/file.ts: name". */
  exports: string[];
  /** Those no other module uses (sorted). */
  unused: string[];
}

const isTypeOnly = (s: ts.Symbol) => !(s.flags & ts.SymbolFlags.Value) && !(s.flags & ts.SymbolFlags.Alias);

/** The top-level statement holding a node. */
function statementOf(node: ts.Node): ts.Node {
  let n = node;
  while (n.parent && !ts.isSourceFile(n.parent)) n = n.parent;
  return n;
}

const exportedNames = (st: ts.Node): string[] => {
  if (!ts.canHaveModifiers(st) || !ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return [];
  if (ts.isVariableStatement(st)) return st.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
  const name = (st as ts.DeclarationStatement).name;
  return name && ts.isIdentifier(name) ? [name.text] : [];
};

/** A destructuring of what a lazy `import('…')` gives (`const { x } = await import(…)`, `const [{ x }] = await Promise.all([import(…)])`). */
function fromLazyImport(pattern: ts.BindingPattern): boolean {
  let n: ts.Node = pattern;
  while (ts.isBindingElement(n.parent) || ts.isArrayBindingPattern(n.parent) || ts.isObjectBindingPattern(n.parent)) n = n.parent;
  const init = ts.isVariableDeclaration(n.parent) ? n.parent.initializer : undefined;
  const hasImport = (e: ts.Node): boolean => (ts.isCallExpression(e) && e.expression.kind === ts.SyntaxKind.ImportKeyword) || (ts.forEachChild(e, hasImport) ?? false);
  return init !== undefined && hasImport(init);
}

/**
 * The exports of src/ and those no other module uses. `onlySrc`: count users
 * in src/ alone (an export then left unused is used by tests or bench only).
 */
export function exportGraph(root: string, { onlySrc = false } = {}): ExportGraph {
  const tsconfig = 'tsconfig.json';
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, tsconfig), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
  if (!parsed) throw new Error(`cannot read ${tsconfig}`);
  const rootNames = onlySrc ? parsed.fileNames.filter((f) => /^(src|types)\//.test(relative(root, f).split('\\').join('/'))) : parsed.fileNames;
  const program = ts.createProgram({ rootNames, options: parsed.options });
  const checker = program.getTypeChecker();
  const rel = (f: string) => relative(root, f).split('\\').join('/');
  const files = program.getSourceFiles().filter((sf) => !sf.isDeclarationFile && !/^(\.\.|node_modules)\//.test(rel(sf.fileName)));

  const exported = new Map<ts.Symbol, { line: string; file: ts.SourceFile }>();
  for (const sf of files) {
    const f = rel(sf.fileName);
    const mod = f.startsWith('src/') ? checker.getSymbolAtLocation(sf) : undefined;
    if (!mod) continue;
    for (const s of checker.getExportsOfModule(mod)) {
      // `export * from` lends another file's exports: they are that file's to answer for.
      if (s.declarations?.some((d) => d.getSourceFile() === sf)) exported.set(s, { line: `${f}: ${s.name}`, file: sf });
    }
  }

  /** One step along an import or re-export (the checker has no step for some synthetic aliases: then the end). */
  const aliasOf = (sym: ts.Symbol): ts.Symbol | undefined => {
    try {
      return checker.getImmediateAliasedSymbol(sym);
    } catch {
      return checker.getAliasedSymbol(sym);
    }
  };
  const used = new Set<ts.Symbol>();
  /** Mark what `sym` stands for, through each re-export on the way (each of them is used too). */
  const mark = (start: ts.Symbol | undefined, at: ts.Node, from: ts.SourceFile) => {
    const seen = new Set<ts.Symbol>();
    let sym = start;
    while (sym && !seen.has(sym)) {
      seen.add(sym);
      const own = exported.get(sym);
      if (own && own.file !== from) used.add(sym);
      // In its own file: a type named by another export's declaration is part of that export.
      else if (own && isTypeOnly(sym) && exportedNames(statementOf(at)).some((n) => n !== sym!.name)) used.add(sym);
      sym = sym.flags & ts.SymbolFlags.Alias ? aliasOf(sym) : (sym as ts.Symbol & { exportSymbol?: ts.Symbol }).exportSymbol;
    }
  };
  // Only a name some export bears can stand for an export: the checker is asked about those alone.
  const names = new Set([...exported.keys()].map((s) => s.name));
  for (const sf of files) {
    const visit = (node: ts.Node): void => {
      if ((ts.isIdentifier(node) || ts.isStringLiteral(node)) && names.has(node.text)) {
        mark(checker.getSymbolAtLocation(node), node, sf);
        if (ts.isShorthandPropertyAssignment(node.parent)) mark(checker.getShorthandAssignmentValueSymbol(node.parent), node, sf);
      }
      // const { x } = await import('./m.js'): the property of the module's namespace.
      if (ts.isObjectBindingPattern(node) && fromLazyImport(node)) {
        const namespace = checker.getTypeAtLocation(node);
        for (const el of node.elements) {
          const name = el.propertyName ?? el.name;
          if (ts.isIdentifier(name)) mark(namespace.getProperty(name.text), el, sf);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  const lines = [...exported.values()].map((e) => e.line);
  return { exports: lines.sort(), unused: [...exported].filter(([s]) => !used.has(s)).map(([, e]) => e.line).sort() };
}
