/**
 * The HDX "FTS requirements and funding" CSV (one row per appeal and year, HXL row under the
 * header), which gives each appeal's requirements and funding when Liptako does not hold the
 * flows. Pure: text in, checked appeals, skipped rows (not errors) and refused rows out.
 */
import { AppError } from '../core/errors.js';
import { rowIssue, truncateForEcho, type RowIssue } from '../core/tabular.js';
import { MAX_APPEAL_ROWS, columnKey, issue, readAppealCode, readCsv, readDate, readMoney, readName, readPercent, readPlanId, readYear, requireColumns, requireValue, resolveColumns, textOf, type Cell, type ColumnSpec, type FtsAppeal, type FtsRequirementsFunding, type Issues } from './fts-common.js';

// ---------------------------------------------------------------------------------------------
// FTS requirements and funding (HDX), one row per appeal
// ---------------------------------------------------------------------------------------------

type AppealField =
  | 'country'
  | 'planId'
  | 'name'
  | 'code'
  | 'typeName'
  | 'startDate'
  | 'endDate'
  | 'year'
  | 'requirements'
  | 'funding'
  | 'percentFunded';

/**
 * Headers of the HDX file, of HDX HAPI's funding rows (`appeal_code`, `requirements_usd`…) and
 * their HXL hashtags, so that a file with translated headers but the hashtag row still reads.
 */
const APPEAL_COLUMNS: Record<AppealField, ColumnSpec> = {
  country: { label: 'countryCode', keys: ['countrycode', 'locationcode', 'countryiso3', 'iso3'], hxl: { tag: 'country', all: [] } },
  // `none: ['type']` keeps the appeal-type columns (#activity+appeal+type+…) out of these two.
  planId: { label: 'id', keys: ['id', 'planid', 'appealid'], hxl: { tag: 'activity', all: ['appeal', 'id', 'fts_internal'], none: ['type'] } },
  name: { label: 'name', keys: ['name', 'appealname', 'planname'], hxl: { tag: 'activity', all: ['appeal', 'name'], none: ['type'] } },
  code: { label: 'code', keys: ['code', 'appealcode', 'plancode'], hxl: { tag: 'activity', all: ['appeal', 'id', 'external'] } },
  typeName: {
    label: 'typeName',
    keys: ['typename', 'appealtype', 'plantype'],
    hxl: { tag: 'activity', all: ['appeal', 'type', 'name'] },
  },
  startDate: {
    label: 'startDate',
    keys: ['startdate', 'referenceperiodstart'],
    hxl: { tag: 'date', all: ['start'] },
  },
  endDate: { label: 'endDate', keys: ['enddate', 'referenceperiodend'], hxl: { tag: 'date', all: ['end'] } },
  year: { label: 'year', keys: ['year'], hxl: { tag: 'date', all: ['year'] } },
  requirements: {
    label: 'requirements',
    keys: ['requirements', 'requirementsusd', 'revisedrequirements'],
    hxl: { tag: 'value', all: ['funding', 'required', 'usd'] },
  },
  funding: {
    label: 'funding',
    keys: ['funding', 'fundingusd', 'totalfunding'],
    hxl: { tag: 'value', all: ['funding', 'total', 'usd'] },
  },
  percentFunded: {
    label: 'percentFunded',
    keys: ['percentfunded', 'fundingpct', 'fundingpercent'],
    hxl: { tag: 'value', all: ['funding', 'pct'] },
  },
};

/** The header line of the HDX file, named in messages when another file is given. */
export const FTS_REQUIREMENTS_COLUMNS =
  'countryCode, id, name, code, typeId, typeName, startDate, endDate, year, requirements, funding, percentFunded';

/**
 * Reads the HDX "FTS requirements and funding" CSV. Decisions:
 * - the HXL row is recognised and left out; columns are found by header or by hashtag;
 * - rows without an appeal code (FTS's "Not specified": funding outside any appeal) are
 *   `skipped`, not refused; an exact repeat of an appeal row is skipped too;
 * - refused: bad numbers, negative or absurd amounts, bad dates or years, end before start,
 *   bad codes, and the same appeal code twice with different figures (Liptako does not choose);
 * - the by-cluster variant (one row per appeal and cluster) is refused as a whole
 *   (funding.fts.clusterFile): summing its rows would be wrong, as clusters overlap with
 *   "Not specified" funding.
 */
export function parseFtsRequirementsFunding(text: string): FtsRequirementsFunding {
  const layout = readCsv(text, MAX_APPEAL_ROWS);
  const keys = new Set(layout.header.map(columnKey));
  const hasClusters =
    keys.has('cluster') || keys.has('clustercode') || keys.has('globalcluster') || layout.hxl.some((tag) => tag?.tag === 'sector');
  if (hasClusters) throw new AppError('funding.fts.clusterFile', { expected: FTS_REQUIREMENTS_COLUMNS });

  const columns = resolveColumns(layout, APPEAL_COLUMNS);
  requireColumns(layout, APPEAL_COLUMNS, columns, ['country', 'name', 'code', 'requirements', 'funding']);
  if (layout.records.length === 0) throw new AppError('import.empty');

  const appeals: FtsAppeal[] = [];
  const skipped: FtsRequirementsFunding['skipped'] = [];
  const refused: RowIssue[] = [...layout.refused];
  const seen = new Map<string, { row: number; figures: string }>();

  for (const record of layout.records) {
    const cell = (field: AppealField): Cell => {
      const column = columns[field];
      return { row: record.row, column: column ?? APPEAL_COLUMNS[field].label, value: column === null ? null : record.values[column] };
    };
    const issues: Issues = [];
    const code = readAppealCode(cell('code'), issues);
    if (code === null) {
      skipped.push({ row: record.row, reason: 'no-appeal-code' });
      continue;
    }
    const name = requireValue(cell('name'), readName(cell('name'), issues), issues);
    const countryText = textOf(cell('country').value);
    let countryIso3: string | undefined;
    if (countryText === null) {
      requireValue(cell('country'), null, issues);
    } else if (/^[A-Za-z]{3}$/.test(countryText)) {
      countryIso3 = countryText.toUpperCase();
    } else {
      issues.push(issue(cell('country'), 'funding.fts.countryInvalid', { value: truncateForEcho(countryText) }));
    }
    const ftsPlanId = readPlanId(cell('planId'), issues);
    const typeName = readName(cell('typeName'), issues);
    const startDate = readDate(cell('startDate'), issues);
    const endDate = readDate(cell('endDate'), issues);
    const year = readYear(cell('year'), issues);
    const requirementsUsd = readMoney(cell('requirements'), issues);
    const fundingUsd = readMoney(cell('funding'), issues);
    const percentFunded = readPercent(cell('percentFunded'), issues);
    if (typeof startDate === 'string' && typeof endDate === 'string' && endDate < startDate) {
      issues.push(rowIssue(record.row, cell('endDate').column, endDate, 'funding.dates.reversed', { start: startDate, end: endDate }));
    }
    if (
      issues.length > 0 ||
      code === undefined ||
      name === undefined ||
      countryIso3 === undefined ||
      ftsPlanId === undefined ||
      typeName === undefined ||
      startDate === undefined ||
      endDate === undefined ||
      year === undefined ||
      requirementsUsd === undefined ||
      fundingUsd === undefined ||
      percentFunded === undefined
    ) {
      refused.push(...issues);
      continue;
    }

    const appeal: FtsAppeal = {
      row: record.row,
      ftsPlanId,
      code,
      name,
      typeName,
      countryIso3,
      startDate,
      endDate,
      year,
      requirementsUsd,
      fundingUsd,
      percentFunded,
    };
    const figures = JSON.stringify({ ...appeal, row: 0 });
    const earlier = seen.get(code);
    if (earlier !== undefined) {
      if (earlier.figures === figures) {
        skipped.push({ row: record.row, reason: 'duplicate' });
      } else {
        refused.push(rowIssue(record.row, cell('code').column, code, 'funding.fts.duplicateAppeal', { code, firstRow: earlier.row }));
      }
      continue;
    }
    seen.set(code, { row: record.row, figures });
    appeals.push(appeal);
  }
  return { appeals, skipped, refused: refused.sort((a, b) => a.row - b.row) };
}
