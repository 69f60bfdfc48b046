import { v4 as uuidv4 } from 'uuid';
import { metadataValidationFailed, type MetadataIssue } from './errors.js';
import { CAMEL_CASE_NAME, nameFromLabel, UPPER_SNAKE_VALUE } from './naming.js';

export type FieldType =
  | 'UUID'
  | 'TEXT'
  | 'NUMBER'
  | 'BOOLEAN'
  | 'DATE'
  | 'DATE_TIME'
  | 'SELECT'
  | 'CURRENCY'
  | 'FULL_NAME'
  | 'EMAILS'
  | 'PHONES'
  | 'RELATION'
  | 'POSITION'
  | 'ACTOR'
  | 'RICH_TEXT_V2';

export const FIELD_TYPES: FieldType[] = [
  'UUID', 'TEXT', 'NUMBER', 'BOOLEAN', 'DATE', 'DATE_TIME', 'SELECT', 'CURRENCY',
  'FULL_NAME', 'EMAILS', 'PHONES', 'RELATION', 'POSITION', 'ACTOR', 'RICH_TEXT_V2',
];

export interface SelectOption {
  id: string;
  value: string;
  label: string;
  color: string;
  position: number;
}

export interface RelationSettings {
  type: 'MANY_TO_ONE' | 'ONE_TO_MANY';
  targetObjectId: string;
  targetFieldId: string;
  onDelete: 'SET_NULL' | 'CASCADE';
}

export interface FieldMeta {
  id: string;
  objectMetadataId: string;
  name: string;
  label: string;
  type: FieldType;
  icon: string | null;
  description: string | null;
  isCustom: boolean;
  isSystem: boolean;
  isActive: boolean;
  isNullable: boolean;
  isUnique: boolean;
  defaultValue: unknown;
  options: SelectOption[] | null;
  relation: RelationSettings | null;
  createdAt: string;
  updatedAt: string;
}

export interface ObjectMeta {
  id: string;
  nameSingular: string;
  namePlural: string;
  labelSingular: string;
  labelPlural: string;
  description: string | null;
  icon: string | null;
  isCustom: boolean;
  isSystem: boolean;
  isActive: boolean;
  fields: FieldMeta[];
  createdAt: string;
  updatedAt: string;
}

export interface CreateObjectInput {
  nameSingular: string;
  namePlural: string;
  labelSingular: string;
  labelPlural: string;
  icon?: string | null;
  description?: string | null;
}

export interface CreateFieldInput {
  objectMetadataId: string;
  type: FieldType;
  name: string;
  label: string;
  icon?: string | null;
  description?: string | null;
  isNullable?: boolean | null;
  isUnique?: boolean | null;
  defaultValue?: unknown;
  options?: Omit<SelectOption, 'id'>[] | null;
  settings?: { onDelete?: 'SET_NULL' | 'CASCADE' } | null;
  relationCreationPayload?: { type: 'MANY_TO_ONE' | 'ONE_TO_MANY'; targetObjectMetadataId: string; targetFieldLabel: string; targetFieldIcon?: string } | null;
}

type FieldSeed = Pick<FieldMeta, 'name' | 'label' | 'type'> & Partial<FieldMeta>;

const now = () => new Date().toISOString();

/** Fields every object carries; custom objects also get a "name" text field, as in Twenty. */
const systemFields = (): FieldSeed[] => [
  { name: 'id', label: 'Id', type: 'UUID', isSystem: true, isNullable: false },
  { name: 'createdAt', label: 'Creation date', type: 'DATE_TIME', isNullable: false },
  { name: 'updatedAt', label: 'Last update', type: 'DATE_TIME', isNullable: false },
  { name: 'deletedAt', label: 'Deleted at', type: 'DATE_TIME' },
  { name: 'position', label: 'Position', type: 'POSITION', isSystem: true },
  { name: 'createdBy', label: 'Created by', type: 'ACTOR' },
];

/** The workspace's data model; `version` moves on every change so the GraphQL schema is rebuilt lazily. */
export class MetadataModel {
  readonly objects: ObjectMeta[] = [];
  version = 0;

  constructor() {
    this.addObject(
      { nameSingular: 'person', namePlural: 'people', labelSingular: 'Person', labelPlural: 'People', icon: 'IconUser' },
      false,
      [
        { name: 'name', label: 'Name', type: 'FULL_NAME' },
        { name: 'emails', label: 'Emails', type: 'EMAILS', isUnique: true },
        { name: 'phones', label: 'Phones', type: 'PHONES' },
        { name: 'city', label: 'City', type: 'TEXT' },
        { name: 'jobTitle', label: 'Job Title', type: 'TEXT' },
      ],
    );
    this.addStandardSalesObjects();
  }

  /**
   * The standard objects a won deal touches: opportunity (stage as seeded by Twenty, pointOfContact → person), note
   * (title, bodyV2) and noteTarget, which attaches a note to a person or an opportunity.
   */
  private addStandardSalesObjects(): void {
    const stages = ['NEW', 'SCREENING', 'MEETING', 'PROPOSAL', 'CUSTOMER'];
    const colors = ['red', 'purple', 'sky', 'turquoise', 'yellow'];
    const person = this.objectBySingular('person')!;
    const opportunity = this.addObject(
      { nameSingular: 'opportunity', namePlural: 'opportunities', labelSingular: 'Opportunity', labelPlural: 'Opportunities', icon: 'IconTargetArrow' },
      false,
      [
        { name: 'name', label: 'Name', type: 'TEXT' },
        { name: 'amount', label: 'Amount', type: 'CURRENCY' },
        { name: 'closeDate', label: 'Close date', type: 'DATE_TIME' },
        {
          name: 'stage',
          label: 'Stage',
          type: 'SELECT',
          defaultValue: "'NEW'",
          options: stages.map((value, position) => ({ id: uuidv4(), value, label: value.charAt(0) + value.slice(1).toLowerCase(), color: colors[position]!, position })),
        },
      ],
    );
    const note = this.addObject({ nameSingular: 'note', namePlural: 'notes', labelSingular: 'Note', labelPlural: 'Notes', icon: 'IconNotes' }, false, [
      { name: 'title', label: 'Title', type: 'TEXT' },
      { name: 'bodyV2', label: 'Body', type: 'RICH_TEXT_V2' },
    ]);
    const noteTarget = this.addObject(
      { nameSingular: 'noteTarget', namePlural: 'noteTargets', labelSingular: 'Note Target', labelPlural: 'Note Targets', icon: 'IconCheckbox' },
      false,
      [],
    );
    this.addStandardRelation(opportunity, 'pointOfContact', 'Point of Contact', person, 'Point of Contact for Opportunities');
    this.addStandardRelation(noteTarget, 'note', 'Note', note, 'Note Targets');
    this.addStandardRelation(noteTarget, 'person', 'Person', person, 'Note Targets');
    this.addStandardRelation(noteTarget, 'opportunity', 'Opportunity', opportunity, 'Note Targets');
  }

  private addStandardRelation(from: ObjectMeta, name: string, label: string, to: ObjectMeta, inverseLabel: string): void {
    const field = this.createField({
      objectMetadataId: from.id,
      type: 'RELATION',
      name,
      label,
      relationCreationPayload: { type: 'MANY_TO_ONE', targetObjectMetadataId: to.id, targetFieldLabel: inverseLabel },
    });
    field.isCustom = false;
    const inverse = to.fields.find((f) => f.id === field.relation?.targetFieldId);
    if (inverse) inverse.isCustom = false;
  }

  objectById(id: string): ObjectMeta | undefined {
    return this.objects.find((o) => o.id === id);
  }

  objectBySingular(name: string): ObjectMeta | undefined {
    return this.objects.find((o) => o.nameSingular === name);
  }

  objectByPlural(name: string): ObjectMeta | undefined {
    return this.objects.find((o) => o.namePlural === name);
  }

  createObject(input: CreateObjectInput): ObjectMeta {
    const issues: MetadataIssue[] = [];
    for (const name of [input.nameSingular, input.namePlural]) {
      if (!CAMEL_CASE_NAME.test(name)) {
        issues.push({
          code: 'INVALID_OBJECT_INPUT',
          message: 'Name is not valid: it must start with lowercase letter and contain only alphanumeric letters',
          value: name,
        });
      }
    }
    if (input.nameSingular.trim().toLowerCase() === input.namePlural.trim().toLowerCase()) {
      issues.push({ code: 'INVALID_OBJECT_INPUT', message: 'The singular and plural names cannot be the same for an object', value: input.namePlural });
    }
    const taken = new Set(this.objects.flatMap((o) => [o.nameSingular, o.namePlural]));
    if (taken.has(input.nameSingular) || taken.has(input.namePlural)) {
      issues.push({ code: 'OBJECT_ALREADY_EXISTS', message: 'Object already exists' });
    }
    if (issues.length > 0) {
      throw metadataValidationFailed('objectMetadata', { nameSingular: input.nameSingular, namePlural: input.namePlural }, issues);
    }
    return this.addObject(input, true, [{ name: 'name', label: 'Name', type: 'TEXT' }]);
  }

  createField(input: CreateFieldInput): FieldMeta {
    const object = this.objectById(input.objectMetadataId);
    const entity = { name: input.name, objectMetadataId: input.objectMetadataId };
    if (!object) {
      throw metadataValidationFailed('fieldMetadata', entity, [{ code: 'OBJECT_METADATA_NOT_FOUND', message: 'Object metadata not found' }]);
    }
    const issues = this.fieldIssues(object, input.name);
    for (const option of input.options ?? []) {
      if (!UPPER_SNAKE_VALUE.test(option.value)) {
        issues.push({ code: 'INVALID_FIELD_INPUT', message: 'Value must be in UPPER_CASE and follow snake_case', value: option.value });
      }
    }
    if (input.type === 'SELECT' && !input.options?.length) {
      issues.push({ code: 'INVALID_FIELD_INPUT', message: 'Options are required for enum fields' });
    }
    const payload = input.relationCreationPayload;
    const target = payload ? this.objectById(payload.targetObjectMetadataId) : undefined;
    if (input.type === 'RELATION') {
      if (!payload || !target) {
        issues.push({ code: 'OBJECT_METADATA_NOT_FOUND', message: 'Relation target object metadata not found' });
      } else {
        issues.push(...this.fieldIssues(target, nameFromLabel(payload.targetFieldLabel)));
      }
    }
    if (issues.length > 0) throw metadataValidationFailed('fieldMetadata', entity, issues);

    const field = this.buildField(object, { ...input, isCustom: true } as FieldSeed);
    if (input.type === 'RELATION' && payload && target) {
      const inverse = this.buildField(target, {
        name: nameFromLabel(payload.targetFieldLabel),
        label: payload.targetFieldLabel,
        type: 'RELATION',
        icon: payload.targetFieldIcon ?? null,
        isCustom: true,
      });
      const onDelete = input.settings?.onDelete ?? 'SET_NULL';
      const inverseType = payload.type === 'MANY_TO_ONE' ? 'ONE_TO_MANY' : 'MANY_TO_ONE';
      field.relation = { type: payload.type, targetObjectId: target.id, targetFieldId: inverse.id, onDelete };
      inverse.relation = { type: inverseType, targetObjectId: object.id, targetFieldId: field.id, onDelete };
      target.fields.push(inverse);
    }
    object.fields.push(field);
    this.version += 1;
    return field;
  }

  /**
   * What an admin's "deactivate, then delete" of a custom field in Settings leaves behind: the field is gone from the
   * generated GraphQL schema (with a relation's inverse side). Returns whether the field existed.
   */
  dropField(objectNameSingular: string, fieldName: string): boolean {
    const object = this.objectBySingular(objectNameSingular);
    const field = object?.fields.find((f) => f.name === fieldName);
    if (!object || !field) return false;
    object.fields = object.fields.filter((f) => f !== field);
    const target = field.relation && this.objectById(field.relation.targetObjectId);
    if (target) target.fields = target.fields.filter((f) => f.id !== field.relation!.targetFieldId);
    this.version += 1;
    return true;
  }

  private fieldIssues(object: ObjectMeta, name: string): MetadataIssue[] {
    const issues: MetadataIssue[] = [];
    if (!CAMEL_CASE_NAME.test(name)) {
      issues.push({ code: 'INVALID_FIELD_INPUT', message: `Name "${name}" is not valid: it must be camelCase`, value: name });
    }
    if (object.fields.some((f) => f.name === name)) {
      issues.push({ code: 'NOT_AVAILABLE', message: `Name "${name}" is not available as it is already used by another field`, value: name });
    }
    if (object.fields.some((f) => f.relation?.type === 'MANY_TO_ONE' && `${f.name}Id` === name)) {
      issues.push({ code: 'NOT_AVAILABLE', message: `Name "${name}" is not available as it is already used by another join column name`, value: name });
    }
    return issues;
  }

  private addObject(input: CreateObjectInput, isCustom: boolean, extraFields: FieldSeed[]): ObjectMeta {
    const at = now();
    const object: ObjectMeta = {
      id: uuidv4(),
      nameSingular: input.nameSingular,
      namePlural: input.namePlural,
      labelSingular: input.labelSingular,
      labelPlural: input.labelPlural,
      description: input.description ?? null,
      icon: input.icon ?? null,
      isCustom,
      isSystem: false,
      isActive: true,
      fields: [],
      createdAt: at,
      updatedAt: at,
    };
    object.fields = [...systemFields(), ...extraFields].map((seed) => this.buildField(object, seed));
    this.objects.push(object);
    this.version += 1;
    return object;
  }

  private buildField(object: ObjectMeta, seed: FieldSeed): FieldMeta {
    const at = now();
    return {
      id: uuidv4(),
      objectMetadataId: object.id,
      name: seed.name,
      label: seed.label,
      type: seed.type,
      icon: seed.icon ?? null,
      description: seed.description ?? null,
      isCustom: seed.isCustom ?? false,
      isSystem: seed.isSystem ?? false,
      isActive: true,
      isNullable: seed.isNullable ?? true,
      isUnique: seed.isUnique ?? false,
      defaultValue: seed.defaultValue ?? null,
      options: seed.options ? seed.options.map((o, i) => ({ ...o, id: uuidv4(), position: o.position ?? i })) : null,
      relation: null,
      createdAt: at,
      updatedAt: at,
    };
  }
}
