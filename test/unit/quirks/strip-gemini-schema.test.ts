import assert from 'node:assert/strict';
import type { ChatRequest } from '../../../src/gateway/core/model';
import { stripGeminiSchema, toGeminiSchema } from '../../../src/gateway/providers/quirks/strip-gemini-schema';

const ctx = { providerId: 'gemini', upstreamModel: 'gemini-2.5-pro', baseUrl: 'http://x' };

describe('quirk strip-gemini-schema', () => {
  it('drops keywords Gemini rejects, recursively', () => {
    const out = toGeminiSchema({
      $schema: 'http://json-schema.org/draft-07/schema#', $id: 'x', $comment: 'c', type: 'object', additionalProperties: false,
      propertyNames: { pattern: '^a' }, patternProperties: { '^x': {} }, unevaluatedProperties: false,
      if: { required: ['a'] }, then: {}, else: {}, dependentSchemas: {}, examples: [{}], default: {}, defer_loading: true,
      properties: {
        n: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 10, minimum: 1, multipleOf: 2 },
        s: { type: 'string', format: 'uri', enumDescriptions: ['a'], minLength: 1 },
        d: { type: 'string', format: 'date-time' },
        o: { type: 'object', additionalProperties: { type: 'string' }, properties: { deep: { type: 'string', $comment: 'x' } } },
      },
      required: ['n', 'missing'],
    });
    assert.deepEqual(out, {
      type: 'object',
      properties: {
        n: { type: 'number', minimum: 1 },
        s: { type: 'string', minLength: 1 },
        d: { type: 'string', format: 'date-time' },
        o: { type: 'object', properties: { deep: { type: 'string' } } },
      },
      required: ['n'],
    });
  });

  it('turns const into a one-value enum and drops non-string enums', () => {
    assert.deepEqual(toGeminiSchema({ const: 'fixed' }), { enum: ['fixed'], type: 'string' });
    assert.deepEqual(toGeminiSchema({ type: 'integer', enum: [1, 2] }), { type: 'integer' });
    assert.deepEqual(toGeminiSchema({ type: 'string', enum: ['a', null] }), { type: 'string', enum: ['a'], nullable: true });
  });

  it('turns type arrays and null branches into nullable', () => {
    assert.deepEqual(toGeminiSchema({ type: ['string', 'null'], description: 'd' }), { type: 'string', description: 'd', nullable: true });
    assert.deepEqual(toGeminiSchema({ type: ['string', 'number'] }), { anyOf: [{ type: 'string' }, { type: 'number' }] });
    assert.deepEqual(toGeminiSchema({ anyOf: [{ type: 'integer' }, { type: 'null' }], description: 'maybe' }),
      { type: 'integer', description: 'maybe', nullable: true });
    assert.deepEqual(toGeminiSchema({ oneOf: [{ type: 'integer' }, { type: 'string' }] }), { anyOf: [{ type: 'integer' }, { type: 'string' }] });
  });

  it('inlines local $refs (also behind a nullable anyOf), and stops at recursion', () => {
    const out = toGeminiSchema({
      type: 'object',
      $defs: { Pet: { type: 'object', properties: { name: { type: 'string' }, friend: { $ref: '#/$defs/Pet' } } } },
      definitions: { Color: { type: 'string', enum: ['red', 'blue'] } },
      properties: {
        pet: { $ref: '#/$defs/Pet' },
        color: { anyOf: [{ $ref: '#/definitions/Color' }, { type: 'null' }] },
        remote: { $ref: 'https://example.com/schema', description: 'kept' },
      },
    });
    assert.deepEqual(out, {
      type: 'object',
      properties: {
        pet: { type: 'object', properties: { name: { type: 'string' }, friend: {} } }, // a recursive ref is not expanded
        color: { type: 'string', enum: ['red', 'blue'], nullable: true },
        remote: { description: 'kept' },
      },
    });
  });

  it('merges allOf and keeps items', () => {
    assert.deepEqual(toGeminiSchema({
      allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'array', items: { type: 'string', const: 'x' } } } }],
    }), {
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'array', items: { type: 'string', enum: ['x'] } } },
      required: ['a'],
    });
  });

  it('rewrites tools and the response schema of a request, leaving inputs untouched', () => {
    const params = { type: 'object', additionalProperties: false, properties: { q: { type: 'string' } } };
    const req: ChatRequest = {
      model: 'm', stream: false, messages: [],
      tools: [{ name: 't', parameters: params }, { name: 'j', parameters: { $schema: 'x' }, extra: { gemini: { parametersJsonSchema: true } } }],
      responseFormat: { type: 'json-schema', schema: { type: 'object', additionalProperties: false } },
    };
    const out = stripGeminiSchema.request!(req, ctx);
    assert.deepEqual(out.tools?.[0]?.parameters, { type: 'object', properties: { q: { type: 'string' } } });
    assert.deepEqual(out.tools?.[1]?.parameters, { $schema: 'x' }, 'parametersJsonSchema tools are left alone');
    assert.deepEqual(out.responseFormat, { type: 'json-schema', schema: { type: 'object' } });
    assert.equal(params.additionalProperties, false, 'input not mutated');
  });
});
