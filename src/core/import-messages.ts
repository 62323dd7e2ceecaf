import type { CatalogueEntry } from './errors.js';

/**
 * Catalogue entries shared by every file import (geography, DTM rounds, 4W, funding…), merged
 * into the one catalogue in core/errors.ts. File-level problems stop the import; row-level ones
 * travel as RowIssue (core/tabular.ts) so that the user sees every bad row at once.
 */
export const importMessages = {
  'import.tooManyUploads': {
    status: 429,
    en: 'You are already uploading {max} files; wait until one of them has arrived (try again in {seconds} s).',
    fr: 'Vous envoyez déjà {max} fichiers ; attendez que l’un d’eux soit arrivé (réessayez dans {seconds} s).',
  },
  'import.oldExcel': {
    status: 415,
    en: '{file} is an old Excel file (.xls). Open it in Excel or LibreOffice and save it as .xlsx or CSV.',
    fr: '{file} est un ancien fichier Excel (.xls). Ouvrez-le dans Excel ou LibreOffice et enregistrez-le en .xlsx ou CSV.',
  },
  'import.brokenXlsx': {
    status: 422,
    en: 'This workbook cannot be read: it is truncated or damaged, or it is not an Excel file. Save it again from Excel as .xlsx.',
    fr: 'Ce classeur est illisible : il est tronqué ou endommagé, ou ce n’est pas un fichier Excel. Enregistrez-le à nouveau depuis Excel en .xlsx.',
  },
  'import.brokenZip': {
    status: 422,
    en: 'This zip file could not be read (truncated or not a zip).',
    fr: 'Ce fichier zip n’a pas pu être lu (tronqué ou pas un zip).',
  },
  'import.zipBomb': {
    status: 413,
    en: 'This file unpacks to far more data than a workbook or a form’s media hold; it was refused without being opened.',
    fr: 'Ce fichier se décompresse en bien plus de données qu’un classeur ou les médias d’un formulaire n’en contiennent ; il a été refusé sans être ouvert.',
  },
  'import.sheetNotFound': {
    status: 422,
    en: 'The workbook has no sheet named “{sheet}” with a header row. Sheets: {sheets}.',
    fr: 'Le classeur n’a pas de feuille « {sheet} » avec une ligne d’en-tête. Feuilles : {sheets}.',
  },
  'import.headerRowEmpty': {
    status: 422,
    en: 'Row {row} of this sheet is empty or beyond its end: choose the row that holds the column names.',
    fr: 'La ligne {row} de cette feuille est vide ou au-delà de sa fin : choisissez la ligne qui porte les noms de colonnes.',
  },
  'import.empty': {
    status: 422,
    en: 'The file is empty or has no data rows.',
    fr: 'Le fichier est vide ou ne contient aucune ligne de données.',
  },
  'import.notText': {
    status: 415,
    en: 'This file is not text (detected: {format}). Export it as CSV (UTF-8), GeoJSON or TopoJSON and upload it again.',
    fr: 'Ce fichier n’est pas un fichier texte (détecté : {format}). Exportez-le en CSV (UTF-8), GeoJSON ou TopoJSON et chargez-le à nouveau.',
  },
  'import.unknownFormat': {
    status: 415,
    en: 'The format of this file ({file}) was not recognised. Accepted formats: {accepted}.',
    fr: 'Le format de ce fichier ({file}) n’a pas été reconnu. Formats acceptés : {accepted}.',
  },
  'import.malformedCsv': {
    status: 422,
    en: 'The CSV file cannot be read from row {row} on: its structure is broken (quotes or separators).',
    fr: 'Le fichier CSV est illisible à partir de la ligne {row} : sa structure est cassée (guillemets ou séparateurs).',
  },
  'import.unclosedQuote': {
    status: 422,
    en: 'Row {row} opens a quoted cell (") that is never closed: the file may be truncated, or a value contains an unpaired quote.',
    fr: 'La ligne {row} ouvre une cellule entre guillemets (") qui n’est jamais refermée : le fichier est peut-être tronqué, ou une valeur contient un guillemet isolé.',
  },
  'import.tooManyCells': {
    status: 422,
    en: 'This row has {found} cells but the header has {expected} columns: a value probably contains an unquoted separator, which shifts the columns.',
    fr: 'Cette ligne a {found} cellules alors que l’en-tête a {expected} colonnes : une valeur contient sans doute un séparateur sans guillemets, ce qui décale les colonnes.',
  },
  'import.tooManyRows': {
    status: 413,
    en: 'The file has more than {limit} rows; split it and import the parts.',
    fr: 'Le fichier compte plus de {limit} lignes ; découpez-le et importez les parties.',
  },
  'import.missingColumns': {
    status: 422,
    en: 'Required columns are missing: {columns}. Columns found: {found}.',
    fr: 'Des colonnes obligatoires manquent : {columns}. Colonnes trouvées : {found}.',
  },
  'import.malformedJson': {
    status: 422,
    en: 'The JSON file is malformed or truncated at line {line}, column {column} (character {position}).',
    fr: 'Le fichier JSON est mal formé ou tronqué à la ligne {line}, colonne {column} (caractère {position}).',
  },
  'import.tooComplex': {
    status: 413,
    en: 'This file is too complex to import: {features} features and {vertices} vertices, the largest feature (no. {largestRow}) having {largestVertices}. Limits: {maxFeatures} features, {maxVertices} vertices, {maxFeatureVertices} per feature. Simplify or split the file and try again.',
    fr: 'Ce fichier est trop complexe pour être importé : {features} entités et {vertices} sommets, la plus grande entité (n° {largestRow}) en ayant {largestVertices}. Limites : {maxFeatures} entités, {maxVertices} sommets, {maxFeatureVertices} par entité. Simplifiez ou découpez le fichier et réessayez.',
  },
  'import.notANumber': {
    status: 422,
    en: '“{value}” is not a number.',
    fr: '« {value} » n’est pas un nombre.',
  },
  'import.negativeNumber': {
    status: 422,
    en: '{value} is negative; a count cannot be below zero.',
    fr: '{value} est négatif ; un effectif ne peut pas être inférieur à zéro.',
  },
  'import.valueMissing': {
    status: 422,
    en: 'A value is required in column {column}.',
    fr: 'Une valeur est obligatoire dans la colonne {column}.',
  },
  'import.dateInvalid': {
    status: 422,
    en: '“{value}” is not a valid date (expected YYYY-MM-DD).',
    fr: '« {value} » n’est pas une date valide (format attendu AAAA-MM-JJ).',
  },
  'import.rowIssue': {
    status: 422,
    en: 'Row {row}, column {column}: {message}',
    fr: 'Ligne {row}, colonne {column} : {message}',
  },
  'import.rowIssueNoColumn': {
    status: 422,
    en: 'Row {row}: {message}',
    fr: 'Ligne {row} : {message}',
  },
} satisfies Record<string, CatalogueEntry>;
