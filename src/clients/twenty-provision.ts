import { setupFailureOf } from './errors.js';
import type { TwentyClient } from './twenty-client.js';
import { customObjects, opportunityFields, personFields, type FieldSpec } from './twenty-data-model.js';

interface MetaObject {
  id: string;
  nameSingular: string;
  fieldsList: Array<{ name: string; type: string }>;
}

const listObjects = /* GraphQL */ `
  query KgcObjects { objects(paging: { first: 1000 }) { edges { node { id nameSingular fieldsList { name type } } } } }`;
const createObject = /* GraphQL */ `
  mutation KgcCreateObject($input: CreateOneObjectInput!) { createOneObject(input: $input) { id nameSingular } }`;
const createField = /* GraphQL */ `
  mutation KgcCreateField($input: CreateOneFieldMetadataInput!) { createOneField(input: $input) { id name } }`;

export interface ProvisionReport {
  created: string[];
  present: string[];
}

async function objectsByName(twenty: TwentyClient): Promise<Map<string, MetaObject>> {
  const res = await twenty.metadata<{ objects: { edges: Array<{ node: MetaObject }> } }>(listObjects);
  return new Map(res.objects.edges.map((e) => [e.node.nameSingular, e.node]));
}

/** Names of the model's objects and fields that Twenty does not have yet; empty when provisioned. */
export async function missingDataModel(twenty: TwentyClient): Promise<string[]> {
  const objects = await objectsByName(twenty);
  const missing: string[] = [];
  const check = (objectName: string, fields: FieldSpec[]) => {
    const object = objects.get(objectName);
    if (!object) return missing.push(objectName);
    const have = new Set(object.fieldsList.map((f) => f.name));
    for (const f of fields) if (!have.has(f.name)) missing.push(`${objectName}.${f.name}`);
  };
  check('person', personFields);
  check('opportunity', opportunityFields);
  for (const o of customObjects) check(o.nameSingular, o.fields);
  return missing;
}

export interface TwentySetupProblem {
  code: string;
  message: string;
  missing?: string[];
}
export type TwentySetup = { ok: true } | ({ ok: false } & TwentySetupProblem);

/**
 * Whether the key is accepted and the data model complete, without writing anything: what /ready reports. A role
 * without write permission shows only when a sync writes (the sync then waits, its reason in the Web UI).
 */
export async function checkTwentySetup(twenty: TwentyClient): Promise<TwentySetup> {
  try {
    const missing = await missingDataModel(twenty);
    if (missing.length === 0) return { ok: true };
    return { ok: false, code: 'DATA_MODEL_INCOMPLETE', message: 'Twenty lacks part of the KGC data model; run `npm run twenty:provision`', missing };
  } catch (err) {
    const setup = setupFailureOf(err);
    if (!setup) throw err;
    return { ok: false, code: (setup.details?.[0] as { code: string }).code, message: setup.message };
  }
}

/** Creates whatever of the data model is missing; running it again changes nothing. */
export async function provisionTwentyDataModel(twenty: TwentyClient): Promise<ProvisionReport> {
  const report: ProvisionReport = { created: [], present: [] };
  let objects = await objectsByName(twenty);
  for (const spec of customObjects) {
    if (objects.has(spec.nameSingular)) continue;
    const { fields: _fields, ...object } = spec;
    await twenty.metadata(createObject, { input: { object } });
    report.created.push(spec.nameSingular);
  }
  objects = await objectsByName(twenty);

  const ensureFields = async (objectName: string, fields: FieldSpec[]) => {
    const object = objects.get(objectName);
    if (!object) throw new Error(`Twenty has no ${objectName} object`);
    const have = new Set(object.fieldsList.map((f) => f.name));
    for (const f of fields) {
      const key = `${objectName}.${f.name}`;
      if (have.has(f.name)) {
        report.present.push(key);
        continue;
      }
      const target = f.relationTo ? objects.get(f.relationTo.object) : undefined;
      const field = {
        objectMetadataId: object.id,
        type: f.type,
        name: f.name,
        label: f.label,
        ...(f.options ? { options: f.options } : {}),
        ...(f.relationTo && target
          ? { relationCreationPayload: { type: 'MANY_TO_ONE', targetObjectMetadataId: target.id, targetFieldLabel: f.relationTo.targetFieldLabel, targetFieldIcon: f.relationTo.icon } }
          : {}),
      };
      await twenty.metadata(createField, { input: { field } });
      report.created.push(key);
    }
  };
  await ensureFields('person', personFields);
  await ensureFields('opportunity', opportunityFields);
  for (const o of customObjects) await ensureFields(o.nameSingular, o.fields);
  return report;
}
