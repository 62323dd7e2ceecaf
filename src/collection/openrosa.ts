/**
 * The OpenRosa 1.0 documents the server answers with (pure): the form list, a form's manifest
 * and the OpenRosaResponse message every submission answer carries, errors included. Shapes
 * follow the OpenRosa Form List and Form Submission APIs as ODK Collect and Enketo read them.
 */

/** ODK Collect splits a submission into batches of this many bytes; advertised on every answer. */
export const OPENROSA_BATCH_BYTES = 10 * 1024 * 1024;

/** Headers every OpenRosa answer carries, errors included. */
export const OPENROSA_HEADERS: Readonly<Record<string, string>> = {
  'x-openrosa-version': '1.0',
  'x-openrosa-accept-content-length': String(OPENROSA_BATCH_BYTES),
};

/** Text as XML character data or attribute value. */
export const escapeXml = (text: string): string =>
  text.replace(/[<>&"']/g, (character) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[character] ?? character);

export interface FormListEntry {
  formId: string;
  name: string;
  /** '' when the form has no version: the element is then left out. */
  version: string;
  /** MD5 of the exact bytes the download URL serves. */
  md5: string;
  downloadUrl: string;
  /** Only when the form has attachments: Collect then fetches the manifest. */
  manifestUrl: string | null;
}

export function formListXml(forms: readonly FormListEntry[]): string {
  const entries = forms.map((form) =>
    [
      '<xform>',
      `<formID>${escapeXml(form.formId)}</formID>`,
      `<name>${escapeXml(form.name)}</name>`,
      form.version === '' ? '' : `<version>${escapeXml(form.version)}</version>`,
      `<hash>md5:${form.md5}</hash>`,
      `<downloadUrl>${escapeXml(form.downloadUrl)}</downloadUrl>`,
      form.manifestUrl === null ? '' : `<manifestUrl>${escapeXml(form.manifestUrl)}</manifestUrl>`,
      '</xform>',
    ].join(''),
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<xforms xmlns="http://openrosa.org/xforms/xformsList">${entries.join('')}</xforms>`;
}

export interface ManifestFile {
  name: string;
  md5: string;
  downloadUrl: string;
}

export function manifestXml(files: readonly ManifestFile[]): string {
  const entries = files.map((file) => `<mediaFile><filename>${escapeXml(file.name)}</filename><hash>md5:${file.md5}</hash><downloadUrl>${escapeXml(file.downloadUrl)}</downloadUrl></mediaFile>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<manifest xmlns="http://openrosa.org/xforms/xformsManifest">${entries.join('')}</manifest>`;
}

/** The body of every submission answer: a message the phone shows its user. */
export function openRosaResponse(message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<OpenRosaResponse xmlns="http://openrosa.org/http/response" items="0"><message nature="">${escapeXml(message)}</message></OpenRosaResponse>`;
}
