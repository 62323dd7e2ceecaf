/** Number, money and date formatting lives in the shared layer, with the server's: src/shared/format.ts. */
export * from '../../src/shared/format.js';
// The web's old name for the one strict date check, kept for web/src/displacement until its imports move.
export { isCalendarDate as isIsoDate } from '../../src/shared/dates.js';
