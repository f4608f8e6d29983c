/**
 * The bundle's entry (vite.config.ts): the part panel (Panel.tsx) and the part category
 * page's import panel (ImportPanel.tsx), each called by InvenTree through its own export.
 */
export { renderPanel } from './Panel';
export { renderImportPanel } from './ImportPanel';
