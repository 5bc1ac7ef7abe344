/** The report module's public API. */
export { renderMarkdown, formatTime, type ReportOptions } from './markdown.js';
export { renderJson, buildRecord } from './json.js';
export { writeReport, writeTextAtomic, reportPath, findPreviousSession } from './files.js';
export { escapeInline, escapeBlock, escapeHtml, codeBlock, mermaidLabel } from './escape.js';
