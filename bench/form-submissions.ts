/**
 * Synthetic submissions of any XForm, for the collection benchmark: every question of the form's
 * instance gets a plausible value of its bind type, every repeat one to four instances, so the
 * XML a phone would send for a long survey (the REACH MSNA: ~300 nodes, four repeats) is what the
 * server and the export work on.
 */
import type { XFormDefinition } from '../src/collection/xform.js';
import { escapeXml } from '../src/collection/openrosa.js';

interface InstanceNode {
  name: string;
  path: string;
  kind: 'leaf' | 'group' | 'repeat';
  children: InstanceNode[];
}

export interface SubmissionShape {
  root: InstanceNode;
  types: Map<string, string>;
}

export function submissionShape(definition: XFormDefinition): SubmissionShape {
  const root: InstanceNode = { name: definition.questions[0]?.path.split('/')[1] ?? 'data', path: '', kind: 'group', children: [] };
  root.path = `/${root.name}`;
  const byPath = new Map<string, InstanceNode>([[root.path, root]]);
  for (const question of definition.questions) {
    const parentPath = question.path.slice(0, question.path.lastIndexOf('/'));
    const parent = byPath.get(parentPath) ?? root;
    const node: InstanceNode = { name: question.path.slice(question.path.lastIndexOf('/') + 1), path: question.path, kind: question.kind, children: [] };
    parent.children.push(node);
    byPath.set(question.path, node);
  }
  return { root, types: new Map(definition.binds.map((bind) => [bind.nodeset, bind.type ?? 'string'])) };
}

const WORDS = ['oui', 'non', 'menage_deplace', 'eau_potable', 'abri', 'sante', 'education', 'nourriture', 'autre', 'ne_sait_pas'];

function valueOf(type: string, path: string, seed: number): string {
  switch (type) {
    case 'int':
      return String(seed % 97);
    case 'decimal':
      return ((seed % 10_000) / 100).toFixed(2);
    case 'date':
      return `2024-0${1 + (seed % 9)}-${String(1 + (seed % 28)).padStart(2, '0')}`;
    case 'dateTime':
      return `2024-0${1 + (seed % 9)}-${String(1 + (seed % 28)).padStart(2, '0')}T0${seed % 10}:15:00.000+00:00`;
    case 'time':
      return `0${seed % 10}:15:00.000+00:00`;
    case 'geopoint':
      return `${(12 + (seed % 500) / 100).toFixed(5)} ${(-4 + (seed % 700) / 100).toFixed(5)} 300 5`;
    case 'binary':
      return '';
    default:
      return path.endsWith('/deprecatedID') ? '' : WORDS[seed % WORDS.length]!;
  }
}

/** One submission's XML; `index` makes its values (and its instanceID) differ from the others'. */
export function syntheticSubmission(shape: SubmissionShape, formId: string, version: string | null, index: number, instanceId: string): string {
  let counter = index * 7919;
  const write = (node: InstanceNode): string => {
    if (node.kind === 'leaf') {
      const value = node.path.endsWith('/meta/instanceID') ? instanceId : valueOf(shape.types.get(node.path) ?? 'string', node.path, counter++);
      return value === '' ? `<${node.name}/>` : `<${node.name}>${escapeXml(value)}</${node.name}>`;
    }
    const inner = node.children.map(write).join('');
    if (node.kind === 'repeat') {
      const count = 1 + ((index + node.name.length) % 4);
      return Array.from({ length: count }, () => `<${node.name}>${node.children.map(write).join('')}</${node.name}>`).join('');
    }
    return `<${node.name}>${inner}</${node.name}>`;
  };
  const attributes = `id="${escapeXml(formId)}"${version === null ? '' : ` version="${escapeXml(version)}"`}`;
  const body = shape.root.children.map(write).join('');
  return `<${shape.root.name} ${attributes}>${body}</${shape.root.name}>`;
}
