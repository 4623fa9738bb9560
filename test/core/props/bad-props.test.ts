import { App } from 'cdk8s';
import type { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import * as api from '../../../lib/index.js';
import { propsSchemas } from '../../../lib/core/props/props-schemas.js';
import { synthesizeWithFindings } from '../../../lib/synth/synthesizer.js';

const schemas = propsSchemas();

type ConstructClass = new (scope: Construct, id: string, props: unknown) => Construct;

/** Every construct of the public API with a props schema (the signatures without a `.` or `#` are constructors). */
const constructs = Object.keys(schemas['x-signatures']).filter((s) => !/[.#]/.test(s) && s !== 'Platform');

function definitionOf(schema: Record<string, unknown>): Record<string, unknown> {
  const ref = schema.$ref as string | undefined;
  return ref ? definitionOf(schemas.definitions[ref.replace('#/definitions/', '')] as Record<string, unknown>) : schema;
}

/** A value of the wrong type for a prop: a boolean, or a string where booleans are expected. */
function wrongValue(schema: Record<string, unknown>): unknown {
  return JSON.stringify(schema).includes('"boolean"') ? 'not a boolean' : true;
}

describe('constructors survive bad props (JavaScript callers): every problem reported, no TypeError', () => {
  it.each(constructs)('GIVEN %s WHEN built with no props, and with each prop of the wrong type THEN the synth reports props problems and does not throw', (name) => {
    const Class = (api as unknown as Record<string, ConstructClass>)[name];
    expect(Class, `${name} is exported`).toBeTypeOf('function');
    const props = definitionOf(schemas['x-signatures'][name]!['2']!.schema);
    const keys = Object.keys((props.properties as Record<string, Record<string, unknown>>) ?? {});
    const app = new App();
    const platform = new api.Platform(app, 'acme', { environments: [api.Environment.prod()] });
    let built = 0;
    platform.forEachEnvironment((env) => {
      new Class(env, 'empty', {});
      built++;
      for (const key of keys) {
        const schema = (props.properties as Record<string, Record<string, unknown>>)[key]!;
        if (Object.keys(definitionOf(schema)).every((k) => k === 'description')) continue; // any value is valid
        new Class(env, `wrong-${key.toLowerCase()}`, { [key]: wrongValue(definitionOf(schema)) });
        built++;
      }
    });
    const { findings } = synthesizeWithFindings(app);
    const located = new Set(findings.filter((f) => f.rule.startsWith('props/')).map((f) => f.location.split('/').pop()));
    // Every construct built reported at least one props problem: its missing required props or the wrong value.
    const required = (props.required as string[] | undefined) ?? [];
    const expected = [...(required.length > 0 ? ['empty'] : []), ...keys.filter((k) => Object.keys(definitionOf((props.properties as Record<string, Record<string, unknown>>)[k]!)).some((x) => x !== 'description')).map((k) => `wrong-${k.toLowerCase()}`)];
    expect(built).toBeGreaterThan(0);
    expect(expected.filter((id) => !located.has(id))).toEqual([]);
  });

  it('GIVEN a Platform with environments of the wrong type THEN it reports them and builds nothing from them', () => {
    const app = new App();
    new api.Platform(app, 'acme', { environments: 'prod' } as unknown as api.PlatformProps);
    new api.Platform(app, 'other', {} as unknown as api.PlatformProps);
    const { findings } = synthesizeWithFindings(app);
    expect(findings.map((f) => [f.location, f.field, f.rule])).toEqual([
      ['acme', 'environments', 'props/type'],
      ['other', 'environments', 'props/required'],
    ]);
  });
});
