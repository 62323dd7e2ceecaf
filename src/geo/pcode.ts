/**
 * P-code normalisation. Files from the field spell the same admin unit several ways (COD `ML0901`,
 * DTM `MLI0901 `, ROWCA `NER006001`, lower case, `<Null>`); everything stored uses the COD form
 * (ISO2 prefix + the country's fixed digits per level). Pure functions: no gazetteer lookup here,
 * so an `ok` result says the code is well formed, not that the unit exists.
 */
import { isMissingMarker, trimCell } from '../core/cells.js';

export type CountryIso2 = string;

export interface PcodeScheme {
  iso2: string;
  iso3: string;
  /** Digits per admin level 1..n after the 2-letter country prefix. */
  digits: readonly number[];
}

export type PcodeResult =
  | { status: 'ok'; pcode: string; country: string; level: number } // level 0 = country
  | { status: 'missing' }
  | { status: 'ambiguous'; input: string; candidates: string[]; reason: string }
  | { status: 'invalid'; input: string; reason: string };

function scheme(iso2: string, iso3: string, digits: readonly number[]): PcodeScheme {
  return Object.freeze({ iso2, iso3, digits: Object.freeze([...digits]) });
}

/**
 * The three countries of the response, from the OCHA global P-code length table. Other countries
 * can be added with `loadSchemesFromLengthsCsv`; we keep the built-in list short so that a typo
 * in a neighbour's code is reported rather than silently accepted.
 */
export const SCHEMES: Readonly<Record<string, PcodeScheme>> = Object.freeze({
  BF: scheme('BF', 'BFA', [2, 2, 2]),
  ML: scheme('ML', 'MLI', [2, 2, 2]),
  NE: scheme('NE', 'NER', [3, 3, 3]),
});

/** ISO 3166-1 alpha-2 → alpha-3, all officially assigned codes (P-code tables cover the world). */
const ISO_PAIRS = `
AD AND AE ARE AF AFG AG ATG AI AIA AL ALB AM ARM AO AGO AQ ATA AR ARG AS ASM AT AUT AU AUS
AW ABW AX ALA AZ AZE BA BIH BB BRB BD BGD BE BEL BF BFA BG BGR BH BHR BI BDI BJ BEN BL BLM
BM BMU BN BRN BO BOL BQ BES BR BRA BS BHS BT BTN BV BVT BW BWA BY BLR BZ BLZ CA CAN CC CCK
CD COD CF CAF CG COG CH CHE CI CIV CK COK CL CHL CM CMR CN CHN CO COL CR CRI CU CUB CV CPV
CW CUW CX CXR CY CYP CZ CZE DE DEU DJ DJI DK DNK DM DMA DO DOM DZ DZA EC ECU EE EST EG EGY
EH ESH ER ERI ES ESP ET ETH FI FIN FJ FJI FK FLK FM FSM FO FRO FR FRA GA GAB GB GBR GD GRD
GE GEO GF GUF GG GGY GH GHA GI GIB GL GRL GM GMB GN GIN GP GLP GQ GNQ GR GRC GS SGS GT GTM
GU GUM GW GNB GY GUY HK HKG HM HMD HN HND HR HRV HT HTI HU HUN ID IDN IE IRL IL ISR IM IMN
IN IND IO IOT IQ IRQ IR IRN IS ISL IT ITA JE JEY JM JAM JO JOR JP JPN KE KEN KG KGZ KH KHM
KI KIR KM COM KN KNA KP PRK KR KOR KW KWT KY CYM KZ KAZ LA LAO LB LBN LC LCA LI LIE LK LKA
LR LBR LS LSO LT LTU LU LUX LV LVA LY LBY MA MAR MC MCO MD MDA ME MNE MF MAF MG MDG MH MHL
MK MKD ML MLI MM MMR MN MNG MO MAC MP MNP MQ MTQ MR MRT MS MSR MT MLT MU MUS MV MDV MW MWI
MX MEX MY MYS MZ MOZ NA NAM NC NCL NE NER NF NFK NG NGA NI NIC NL NLD NO NOR NP NPL NR NRU
NU NIU NZ NZL OM OMN PA PAN PE PER PF PYF PG PNG PH PHL PK PAK PL POL PM SPM PN PCN PR PRI
PS PSE PT PRT PW PLW PY PRY QA QAT RE REU RO ROU RS SRB RU RUS RW RWA SA SAU SB SLB SC SYC
SD SDN SE SWE SG SGP SH SHN SI SVN SJ SJM SK SVK SL SLE SM SMR SN SEN SO SOM SR SUR SS SSD
ST STP SV SLV SX SXM SY SYR SZ SWZ TC TCA TD TCD TF ATF TG TGO TH THA TJ TJK TK TKL TL TLS
TM TKM TN TUN TO TON TR TUR TT TTO TV TUV TW TWN TZ TZA UA UKR UG UGA UM UMI US USA UY URY
UZ UZB VA VAT VC VCT VE VEN VG VGB VI VIR VN VNM VU VUT WF WLF WS WSM YE YEM YT MYT ZA ZAF
ZM ZMB ZW ZWE
`;

/**
 * Codes that OCHA's regional office (ROWCA) used instead of ISO3 in Sahel tables. `NIG` is left
 * out on purpose: it has been used for both Niger and Nigeria.
 */
export const ROWCA_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  CHD: 'TD',
  GAM: 'GM',
  CAR: 'CF',
  DRC: 'CD',
});

const ISO3_BY_ISO2 = new Map<string, string>();
const ISO2_BY_ISO3 = new Map<string, string>();
{
  const tokens = ISO_PAIRS.trim().split(/\s+/);
  for (let i = 0; i + 1 < tokens.length; i += 2) {
    const iso2 = tokens[i];
    const iso3 = tokens[i + 1];
    if (iso2 !== undefined && iso3 !== undefined) {
      ISO3_BY_ISO2.set(iso2, iso3);
      ISO2_BY_ISO3.set(iso3, iso2);
    }
  }
}

/** ISO3 (or a ROWCA alias) → ISO2; case and surrounding spaces are forgiven. */
export function iso3ToIso2(code: string): string | undefined {
  const key = trimCell(code).toUpperCase();
  return ISO2_BY_ISO3.get(key) ?? ROWCA_ALIASES[key];
}

/** ISO2 → ISO3; case and surrounding spaces are forgiven. */
export function iso2ToIso3(code: string): string | undefined {
  return ISO3_BY_ISO2.get(trimCell(code).toUpperCase());
}

/**
 * The ISO2 country of a P-code. Meant for normalised codes; a 3-letter prefix is still mapped
 * (`NER006` → `NE`) so that a raw code is not silently given a wrong country (`CHD01` is Chad,
 * not Switzerland).
 */
export function countryOf(pcode: string): string {
  const letters = /^[A-Z]*/.exec(trimCell(pcode).toUpperCase())?.[0] ?? '';
  if (letters.length === 3) {
    const iso2 = iso3ToIso2(letters);
    if (iso2 !== undefined) return iso2;
  }
  return letters.slice(0, 2);
}

/** Resolves a 2- or 3-letter prefix, trusting the caller's schemes before the built-in tables. */
function resolveCountry(letters: string, schemes: Readonly<Record<string, PcodeScheme>>): string | undefined {
  if (letters.length === 2) {
    return schemes[letters] !== undefined || ISO3_BY_ISO2.has(letters) ? letters : undefined;
  }
  for (const [key, value] of Object.entries(schemes)) {
    if (value.iso3 === letters) return key;
  }
  return iso3ToIso2(letters);
}

/** Cumulative digit counts: index = admin level, value = digits after the prefix at that level. */
function levelLengths(digits: readonly number[]): number[] {
  const lengths = [0];
  let total = 0;
  for (const width of digits) {
    total += width;
    lengths.push(total);
  }
  return lengths;
}

function describeLengths(iso2: string, lengths: readonly number[]): string {
  const counts = lengths.slice(1);
  if (counts.length === 0) return `${iso2} has no admin levels below the country`;
  const listed = counts.length === 1 ? String(counts[0]) : `${counts.slice(0, -1).join(', ')} or ${String(counts.at(-1))}`;
  return `${iso2} takes ${listed} digits after the country code`;
}

/**
 * The codes a person may have meant when leading zeros were lost (Excel, hand typing): each
 * shortened level is padded back. A shortened level cannot start with 0, since only its leading
 * zeros can have been dropped; this keeps the list small (`NE6001` → `NE006001`, `NE600001`).
 */
function zeroPaddedCandidates(iso2: string, digitText: string, widths: readonly number[]): string[] {
  const found = new Set<string>();
  const pieces: string[] = [];

  const split = (position: number, levelIndex: number, levels: number): void => {
    if (levelIndex === levels) {
      if (position === digitText.length) found.add(iso2 + pieces.join(''));
      return;
    }
    const width = widths[levelIndex] ?? 0;
    const remainingLevels = levels - levelIndex - 1;
    for (let take = 1; take <= width; take += 1) {
      if (position + take + remainingLevels > digitText.length) break;
      const piece = digitText.slice(position, position + take);
      if (take < width && piece.startsWith('0')) continue;
      pieces.push(piece.padStart(width, '0'));
      split(position + take, levelIndex + 1, levels);
      pieces.pop();
    }
  };

  const lengths = levelLengths(widths);
  for (let level = 1; level < lengths.length; level += 1) {
    const full = lengths[level] ?? 0;
    if (full > digitText.length && level <= digitText.length) split(0, 0, level);
  }
  return [...found].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
}

function describeValue(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  return `a value of type ${typeof input}`;
}

/**
 * Reads one P-code cell. Never throws: anything a file can contain maps to one of four statuses,
 * and only `ok` may be stored. `input` in the other results is the value as given, without its
 * surrounding whitespace, so that the message can quote what the user typed.
 */
export function normalisePcode(
  input: unknown,
  schemes: Readonly<Record<string, PcodeScheme>> = SCHEMES,
): PcodeResult {
  if (input === null || input === undefined) return { status: 'missing' };
  if (typeof input === 'number' && Number.isNaN(input)) return { status: 'missing' };

  let text: string;
  if (typeof input === 'string') text = input;
  else if (typeof input === 'number' || typeof input === 'bigint') text = String(input);
  else if (typeof input === 'boolean') return { status: 'invalid', input: String(input), reason: 'expected text, got true or false' };
  else return { status: 'invalid', input: describeValue(input), reason: `expected text, got ${describeValue(input)}` };

  const given = trimCell(text);
  const upper = given.toUpperCase();
  if (isMissingMarker(given)) return { status: 'missing' };

  const parts = /^([A-Z]+)([0-9]*)$/.exec(upper);
  if (parts === null) {
    const reason = /^[A-Z]+[0-9]*$/.test(upper.replace(/[\s\-_./]/g, ''))
      ? 'a P-code has no spaces or separators inside'
      : 'a P-code is a 2- or 3-letter country code followed by digits only';
    return { status: 'invalid', input: given, reason };
  }
  const letters = parts[1] ?? '';
  const digitText = parts[2] ?? '';

  if (letters.length !== 2 && letters.length !== 3) {
    return { status: 'invalid', input: given, reason: 'a P-code starts with a 2- or 3-letter country code' };
  }
  const iso2 = resolveCountry(letters, schemes);
  if (iso2 === undefined) return { status: 'invalid', input: given, reason: `unknown country code ${letters}` };
  if (digitText === '') return { status: 'ok', pcode: iso2, country: iso2, level: 0 };

  const countryScheme = schemes[iso2];
  if (countryScheme === undefined) {
    return { status: 'invalid', input: given, reason: `unknown P-code scheme for country ${iso2}` };
  }

  const lengths = levelLengths(countryScheme.digits);
  const level = lengths.indexOf(digitText.length);
  if (level > 0) return { status: 'ok', pcode: iso2 + digitText, country: iso2, level };

  const expected = describeLengths(iso2, lengths);
  const deepest = lengths.at(-1) ?? 0;
  if (digitText.length > deepest) {
    return { status: 'invalid', input: given, reason: `${expected}; ${digitText.length} is too many` };
  }
  const candidates = zeroPaddedCandidates(iso2, digitText, countryScheme.digits);
  if (candidates.length === 0) {
    return { status: 'invalid', input: given, reason: `${expected}, not ${digitText.length}` };
  }
  return {
    status: 'ambiguous',
    input: given,
    candidates,
    reason: `${expected}, not ${digitText.length}: leading zeros may have been lost`,
  };
}

/** Admin level of a P-code in any accepted spelling, or undefined when it is not a valid code. */
export function levelOf(pcode: string, schemes: Readonly<Record<string, PcodeScheme>> = SCHEMES): number | undefined {
  const result = normalisePcode(pcode, schemes);
  return result.status === 'ok' ? result.level : undefined;
}

/** The enclosing unit's P-code (`ML0901` → `ML09` → `ML`); undefined for a country or a bad code. */
export function parentOf(pcode: string, schemes: Readonly<Record<string, PcodeScheme>> = SCHEMES): string | undefined {
  const result = normalisePcode(pcode, schemes);
  if (result.status !== 'ok' || result.level === 0) return undefined;
  const countryScheme = schemes[result.country];
  if (countryScheme === undefined) return undefined;
  const parentLength = levelLengths(countryScheme.digits)[result.level - 1] ?? 0;
  return result.pcode.slice(0, result.country.length + parentLength);
}

function positiveWidth(value: string | undefined): number | undefined {
  const text = value?.trim() ?? '';
  if (!/^[0-9]+$/.test(text)) return undefined;
  const width = Number(text);
  return width > 0 ? width : undefined;
}

/**
 * Builds schemes from rows of HDX `global_pcode_lengths.csv` (`Location` = ISO3, `Country Length`,
 * `Admin 1 Length`, …), as parsed by a CSV reader with headers. Merge the result over `SCHEMES`
 * to use it. Skipped on purpose: countries whose ISO3 is unknown, and those whose prefix is not
 * 2 letters (the P-code model here is ISO2 + digits). Levels stop at the first blank or
 * non-positive width (the table uses -1 for "varies"), keeping the levels above it usable.
 */
export function loadSchemesFromLengthsCsv(rows: Array<Record<string, string>>): Record<string, PcodeScheme> {
  const schemes: Record<string, PcodeScheme> = {};
  for (const row of rows) {
    const fields = new Map<string, string>();
    for (const [header, value] of Object.entries(row)) fields.set(header.trim().toLowerCase(), value);

    const iso3 = (fields.get('location') ?? '').trim().toUpperCase();
    const iso2 = ISO2_BY_ISO3.get(iso3);
    if (iso2 === undefined || positiveWidth(fields.get('country length')) !== 2) continue;

    const digits: number[] = [];
    for (let level = 1; ; level += 1) {
      const width = positiveWidth(fields.get(`admin ${level} length`));
      if (width === undefined) break;
      digits.push(width);
    }
    schemes[iso2] = scheme(iso2, iso3, digits);
  }
  return schemes;
}
