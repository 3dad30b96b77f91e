import { describe, expect, it } from 'vitest';
import { matchRoute } from './routes.js';

describe('matchRoute', () => {
  it('matches the endpoints and the methods each allows', () => {
    expect(matchRoute('')).toEqual({ route: { kind: 'page' }, allow: ['GET', 'HEAD'] });
    expect(matchRoute('/')).toEqual({ route: { kind: 'page' }, allow: ['GET', 'HEAD'] });
    expect(matchRoute('/health')).toEqual({ route: { kind: 'health' }, allow: ['GET', 'HEAD'] });
    expect(matchRoute('/breakers')).toEqual({ route: { kind: 'list' }, allow: ['GET', 'HEAD'] });
    expect(matchRoute('/events')).toEqual({ route: { kind: 'events' }, allow: ['GET', 'HEAD'] });
    expect(matchRoute('/breakers/db')).toEqual({
      route: { kind: 'breaker', name: 'db' },
      allow: ['GET', 'HEAD'],
    });
    for (const command of ['open', 'force-open', 'force-close', 'reset'] as const) {
      expect(matchRoute(`/breakers/db/${command}`)).toEqual({
        route: { kind: 'control', name: 'db', command },
        allow: ['POST'],
      });
    }
  });

  it('decodes a name exactly once, and never splits or resolves it', () => {
    expect(matchRoute('/breakers/hosts%3Ahttps%3A%2F%2Fapi.example.com')).toMatchObject({
      route: { name: 'hosts:https://api.example.com' },
    });
    expect(matchRoute('/breakers/%252F')).toMatchObject({ route: { name: '%2F' } });
    expect(matchRoute('/breakers/..%2F..%2Fetc')).toMatchObject({ route: { name: '../../etc' } });
    expect(matchRoute('/breakers/%3Cimg%20src%3Dx%3E/reset')).toMatchObject({
      route: { kind: 'control', name: '<img src=x>' },
    });
  });

  it('tells a bad escape (400) from a path that is no endpoint (404)', () => {
    expect(matchRoute('/breakers/%ZZ')).toMatchObject({ error: 'bad_name' });
    expect(matchRoute('/breakers/%E0%A4%A/reset')).toMatchObject({ error: 'bad_name' });
    for (const path of [
      '/nope',
      '/breakers/',
      '/breakers//reset',
      '/breakers/a/b/c',
      '/breakers/a/close',
      '/health/',
    ]) {
      expect(matchRoute(path), path).toEqual({ error: 'not_found' });
    }
  });
});
