import type { CatalogueEntry } from '../core/errors.js';

/**
 * Catalogue entries of the XLSForm converter (collection/xlsform.ts). Every problem names its
 * sheet, row and column in the response's details; the message says what is wrong and what to do.
 */
export const xlsformMessages = {
  'collection.xlsform.notXlsx': {
    status: 400,
    en: 'This file is not an Excel workbook (.xlsx). Save the XLSForm as .xlsx (old .xls files and damaged files cannot be read).',
    fr: 'Ce fichier n’est pas un classeur Excel (.xlsx). Enregistrez le XLSForm au format .xlsx (les anciens fichiers .xls et les fichiers endommagés ne peuvent pas être lus).',
  },
  'collection.xlsform.zipBomb': {
    status: 400,
    en: 'This workbook unpacks to far more data than a form holds; it was not opened.',
    fr: 'Ce classeur se décompresse en bien plus de données qu’un formulaire n’en contient ; il n’a pas été ouvert.',
  },
  'collection.xlsform.hiddenSheet': {
    status: 422,
    en: 'The sheet {sheet} is hidden: show it in Excel (right click → Unhide) and upload the workbook again.',
    fr: 'La feuille {sheet} est masquée : affichez-la dans Excel (clic droit → Afficher) et téléversez de nouveau le classeur.',
  },
  'collection.xlsform.missingCalculation': {
    status: 422,
    en: 'Sheet {sheet}, row {row}: a calculate question needs a calculation.',
    fr: 'Feuille {sheet}, ligne {row} : une question calculate doit avoir un calcul (colonne calculation).',
  },
  'collection.xlsform.missingSurvey': {
    status: 422,
    en: 'The workbook has no “survey” sheet (sheets found: {sheets}).',
    fr: 'Le classeur n’a pas de feuille « survey » (feuilles trouvées : {sheets}).',
  },
  'collection.xlsform.missingColumn': {
    status: 422,
    en: 'The sheet {sheet} has no “{column}” column.',
    fr: 'La feuille {sheet} n’a pas de colonne « {column} ».',
  },
  'collection.xlsform.formula': {
    status: 422,
    en: 'Sheet {sheet}, cell {column}{row} holds a formula. Liptako never evaluates formulas: paste the values instead (Paste special → Values).',
    fr: 'Feuille {sheet}, cellule {column}{row} : elle contient une formule. Liptako n’évalue jamais de formule : collez-en les valeurs (Collage spécial → Valeurs).',
  },
  'collection.xlsform.tooManyRows': {
    status: 422,
    en: 'Sheet {sheet}, row {row}: a form sheet may not go beyond row {limit}.',
    fr: 'Feuille {sheet}, ligne {row} : une feuille de formulaire ne peut pas dépasser la ligne {limit}.',
  },
  'collection.xlsform.unknownType': {
    status: 422,
    en: 'Sheet {sheet}, row {row}, column {column}: the question type “{type}” is not in the XLSForm subset Liptako converts (see docs/xlsform.md). Upload the XForm made by pyxform or Kobo instead.',
    fr: 'Feuille {sheet}, ligne {row}, colonne {column} : le type de question « {type} » ne fait pas partie du sous-ensemble XLSForm que Liptako convertit (voir docs/xlsform.md). Téléversez plutôt le XForm produit par pyxform ou Kobo.',
  },
  'collection.xlsform.unsupportedColumn': {
    status: 422,
    en: 'Sheet {sheet}, row {row}, column {column}: the column “{header}” is not in the XLSForm subset Liptako converts; empty it or upload the XForm instead.',
    fr: 'Feuille {sheet}, ligne {row}, colonne {column} : la colonne « {header} » ne fait pas partie du sous-ensemble XLSForm que Liptako convertit ; videz-la ou téléversez plutôt le XForm.',
  },
  'collection.xlsform.unsupportedSetting': {
    status: 422,
    en: 'Sheet settings, column {column}: the setting “{header}” is not supported by Liptako’s converter (encrypted forms are refused for now).',
    fr: 'Feuille settings, colonne {column} : le paramètre « {header} » n’est pas pris en charge par le convertisseur de Liptako (les formulaires chiffrés sont refusés pour l’instant).',
  },
  'collection.xlsform.ignoredColumn': {
    status: 422,
    en: 'Sheet {sheet}, column {column}: “{header}” is not an XLSForm column; it was left out of the form.',
    fr: 'Feuille {sheet}, colonne {column} : « {header} » n’est pas une colonne XLSForm ; elle n’a pas été reprise dans le formulaire.',
  },
  'collection.xlsform.unmatchedGroup': {
    status: 422,
    en: 'Sheet {sheet}, row {row}, column {column}: “{type}” has no matching {expected}.',
    fr: 'Feuille {sheet}, ligne {row}, colonne {column} : « {type} » n’a pas de {expected} correspondant.',
  },
  'collection.xlsform.missingName': {
    status: 422,
    en: 'Sheet {sheet}, row {row}: the question has no name.',
    fr: 'Feuille {sheet}, ligne {row} : la question n’a pas de nom.',
  },
  'collection.xlsform.invalidName': {
    status: 422,
    en: 'Sheet {sheet}, row {row}, column {column}: “{name}” is not a valid name (a letter or _ first, then letters, digits, _, - or .).',
    fr: 'Feuille {sheet}, ligne {row}, colonne {column} : « {name} » n’est pas un nom valide (une lettre ou _ d’abord, puis lettres, chiffres, _, - ou .).',
  },
  'collection.xlsform.duplicateName': {
    status: 422,
    en: 'Sheet {sheet}, row {row}, column {column}: the name “{name}” is already used on row {first}.',
    fr: 'Feuille {sheet}, ligne {row}, colonne {column} : le nom « {name} » est déjà utilisé à la ligne {first}.',
  },
  'collection.xlsform.unknownReference': {
    status: 422,
    en: 'Sheet {sheet}, row {row}, column {column}: ${{name}} names no question of the form.',
    fr: 'Feuille {sheet}, ligne {row}, colonne {column} : ${{name}} ne désigne aucune question du formulaire.',
  },
  'collection.xlsform.unknownChoiceList': {
    status: 422,
    en: 'Sheet {sheet}, row {row}, column {column}: the choice list “{list}” is not on the choices sheet.',
    fr: 'Feuille {sheet}, ligne {row}, colonne {column} : la liste de choix « {list} » n’est pas dans la feuille choices.',
  },
  'collection.xlsform.duplicateChoice': {
    status: 422,
    en: 'Sheet {sheet}, row {row}, column {column}: the list “{list}” already has the choice “{name}” (row {first}).',
    fr: 'Feuille {sheet}, ligne {row}, colonne {column} : la liste « {list} » a déjà le choix « {name} » (ligne {first}).',
  },
  'collection.xlsform.missingChoiceName': {
    status: 422,
    en: 'Sheet {sheet}, row {row}: the choice has a list name but no name.',
    fr: 'Feuille {sheet}, ligne {row} : le choix a un nom de liste mais pas de nom.',
  },
  'collection.xlsform.invalidParameters': {
    status: 422,
    en: 'Sheet {sheet}, row {row}, column {column}: “{value}” is not a parameter Liptako converts for this type.',
    fr: 'Feuille {sheet}, ligne {row}, colonne {column} : « {value} » n’est pas un paramètre que Liptako convertit pour ce type.',
  },
  'collection.xlsform.empty': {
    status: 422,
    en: 'Sheet {sheet}: the survey has no question.',
    fr: 'Feuille {sheet} : le questionnaire n’a aucune question.',
  },
} satisfies Record<string, CatalogueEntry>;

type XlsFormMessages = typeof xlsformMessages;

// Makes these codes part of `ErrorCode` (the entries themselves are registered by src/modules.ts).
declare module '../core/errors.js' {
  interface ErrorCatalogue extends XlsFormMessages {}
}
