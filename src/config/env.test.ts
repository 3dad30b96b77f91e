import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../CircuitBreaker.js';
import { envPrefix, optionsFromEnv } from './env.js';

describe('optionsFromEnv', () => {
  it('reads every option by its UPPER_SNAKE name', () => {
    const env = {
      CB_API_FAILURE_THRESHOLD: '3',
      CB_API_FAILURE_RATE_THRESHOLD: '0.4',
      CB_API_SLOW_CALL_RATE_THRESHOLD: '0.8',
      CB_API_SLOW_CALL_DURATION: '2s',
      CB_API_MINIMUM_CALLS: '20',
      CB_API_RESET_TIMEOUT: '30s',
      CB_API_HALF_OPEN_MAX_CALLS: '2',
      CB_API_SUCCESS_THRESHOLD: '3',
      CB_API_HALF_OPEN_TIMEOUT: '1m',
      CB_API_TIMEOUT: '500ms',
      CB_API_MAX_CONCURRENT_CALLS: '50',
      CB_API_LATENCY_SAMPLING: '1',
      CB_API_CRITICAL: 'yes',
      CB_API_WINDOW_TYPE: 'time',
      CB_API_WINDOW_DURATION: '2m',
      CB_API_WINDOW_BUCKETS: '12',
      CB_API_BACKOFF_MULTIPLIER: '1.5',
      CB_API_BACKOFF_MAX: '5m',
      CB_API_BACKOFF_JITTER: '0.2',
    };
    expect(optionsFromEnv('CB_API_', env)).toEqual({
      failureThreshold: 3,
      failureRateThreshold: 0.4,
      slowCallRateThreshold: 0.8,
      slowCallDuration: 2000,
      minimumCalls: 20,
      resetTimeout: 30_000,
      halfOpenMaxCalls: 2,
      successThreshold: 3,
      halfOpenTimeout: 60_000,
      timeout: 500,
      maxConcurrentCalls: 50,
      latencySampling: 1,
      critical: true,
      window: { type: 'time', duration: 120_000, buckets: 12 },
      backoff: { multiplier: 1.5, max: 300_000, jitter: 0.2 },
    });
  });

  it('gives only what is set, and works with or without the trailing `_`', () => {
    const env = { CB_DB_FAILURE_THRESHOLD: '7', OTHER: 'x' };
    expect(optionsFromEnv('CB_DB', env)).toEqual({ failureThreshold: 7 });
    expect(optionsFromEnv('CB_DB_', env)).toEqual({ failureThreshold: 7 });
    expect(optionsFromEnv('CB_NONE', env)).toEqual({});
  });

  it('reads the legacy names existing deployments use', () => {
    const env = {
      CB_X_RECOVERY_TIMEOUT_SECONDS: '45',
      CB_X_MINIMUM_REQUEST_THRESHOLD: '8',
      CB_X_REQUEST_TIMEOUT_SECONDS: '2.5',
      CB_X_EXPONENTIAL_BACKOFF: 'true',
      CB_X_SLOW_CALL_THRESHOLD_MS: '750',
      CB_X_SLOW_CALL_RATE_THRESHOLD: '0.5',
      CB_X_SUCCESS_THRESHOLD: '2',
    };
    expect(optionsFromEnv('CB_X', env)).toEqual({
      resetTimeout: 45_000,
      minimumCalls: 8,
      timeout: 2500,
      backoff: true,
      slowCallDuration: 750,
      slowCallRateThreshold: 0.5,
      successThreshold: 2,
    });
  });

  it('MAX_BACKOFF_SECONDS implies exponential backoff', () => {
    expect(optionsFromEnv('CB_X', { CB_X_MAX_BACKOFF_SECONDS: '120' })).toEqual({
      backoff: { max: 120_000 },
    });
    expect(
      optionsFromEnv('CB_X', { CB_X_MAX_BACKOFF_SECONDS: '120', CB_X_EXPONENTIAL_BACKOFF: 'true' }),
    ).toEqual({ backoff: { max: 120_000 } });
  });

  it('EXPONENTIAL_BACKOFF=false with a backoff setting is an error', () => {
    expect(() =>
      optionsFromEnv('CB_X', { CB_X_EXPONENTIAL_BACKOFF: 'false', CB_X_BACKOFF_MULTIPLIER: '3' }),
    ).toThrow(
      new TypeError(
        '`CB_X_EXPONENTIAL_BACKOFF` is `"false"` but `CB_X_BACKOFF_MULTIPLIER` is set; ' +
          'expected `CB_X_EXPONENTIAL_BACKOFF` to be true or unset when configuring the backoff',
      ),
    );
    expect(optionsFromEnv('CB_X', { CB_X_EXPONENTIAL_BACKOFF: 'no' })).toEqual({ backoff: false });
  });

  it('`off` switches a rule off', () => {
    const env = {
      CB_X_FAILURE_THRESHOLD: 'off',
      CB_X_FAILURE_RATE_THRESHOLD: 'OFF',
      CB_X_TIMEOUT: 'off',
      CB_X_MAX_CONCURRENT_CALLS: 'off',
      CB_X_BACKOFF: 'off',
    };
    expect(optionsFromEnv('CB_X', env)).toEqual({
      failureThreshold: false,
      failureRateThreshold: false,
      timeout: false,
      maxConcurrentCalls: false,
      backoff: false,
    });
    expect(() => optionsFromEnv('CB_X', { CB_X_RESET_TIMEOUT: 'off' })).toThrow(TypeError);
  });

  it('reads durations as 30s, 500ms, 2m, 1h or milliseconds', () => {
    const read = (value: string): unknown =>
      optionsFromEnv('CB_X', { CB_X_RESET_TIMEOUT: value }).resetTimeout;
    expect(read('30s')).toBe(30_000);
    expect(read('500ms')).toBe(500);
    expect(read('2m')).toBe(120_000);
    expect(read('1h')).toBe(3_600_000);
    expect(read('1500')).toBe(1500);
    expect(read(' 1.5s ')).toBe(1500);
  });

  it('reads booleans as true/false/1/0/yes/no', () => {
    for (const [raw, value] of [
      ['true', true],
      ['FALSE', false],
      ['1', true],
      ['0', false],
      ['yes', true],
      ['No', false],
    ] as const) {
      expect(optionsFromEnv('CB_X', { CB_X_CRITICAL: raw }).critical).toBe(value);
    }
  });

  it('a count window from WINDOW_SIZE; window settings of both kinds are an error', () => {
    expect(optionsFromEnv('CB_X', { CB_X_WINDOW_SIZE: '50' })).toEqual({
      window: { type: 'count', size: 50 },
    });
    expect(optionsFromEnv('CB_X', { CB_X_WINDOW_TYPE: 'count' })).toEqual({ window: { type: 'count' } });
    expect(optionsFromEnv('CB_X', { CB_X_WINDOW_BUCKETS: '6' })).toEqual({
      window: { type: 'time', buckets: 6 },
    });
    expect(() => optionsFromEnv('CB_X', { CB_X_WINDOW_SIZE: '50', CB_X_WINDOW_DURATION: '1m' })).toThrow(
      '`CB_X_WINDOW_SIZE` (a count window) and `CB_X_WINDOW_DURATION` (a time window) are both set',
    );
    expect(() => optionsFromEnv('CB_X', { CB_X_WINDOW_TYPE: 'time', CB_X_WINDOW_SIZE: '50' })).toThrow(
      '`CB_X_WINDOW_SIZE` does not apply to a time window',
    );
    expect(() => optionsFromEnv('CB_X', { CB_X_WINDOW_TYPE: 'sliding' })).toThrow(
      new TypeError('Expected `CB_X_WINDOW_TYPE` to be `count` or `time`, got `"sliding"`'),
    );
  });

  describe('errors name the variable, the value and what is expected', () => {
    it('a value of the wrong form', () => {
      expect(() => optionsFromEnv('CB_API', { CB_API_FAILURE_THRESHOLD: 'five' })).toThrow(
        new TypeError('Expected `CB_API_FAILURE_THRESHOLD` to be an integer >= 1, or `off`, got `"five"`'),
      );
      expect(() => optionsFromEnv('CB_API', { CB_API_RESET_TIMEOUT: '30 seconds' })).toThrow(
        new TypeError(
          'Expected `CB_API_RESET_TIMEOUT` to be a duration >= 0 such as `30s`, `500ms`, `2m` or milliseconds, got `"30 seconds"`',
        ),
      );
      expect(() => optionsFromEnv('CB_API', { CB_API_RECOVERY_TIMEOUT_SECONDS: '30s' })).toThrow(
        new TypeError(
          'Expected `CB_API_RECOVERY_TIMEOUT_SECONDS` to be a number of seconds >= 0, got `"30s"`',
        ),
      );
      expect(() => optionsFromEnv('CB_API', { CB_API_CRITICAL: 'maybe' })).toThrow(
        new TypeError(
          'Expected `CB_API_CRITICAL` to be a boolean (true, false, 1, 0, yes or no), got `"maybe"`',
        ),
      );
    });

    it('a value out of range', () => {
      expect(() => optionsFromEnv('CB_API', { CB_API_FAILURE_THRESHOLD: '0' })).toThrow(
        new RangeError('Expected `CB_API_FAILURE_THRESHOLD` to be an integer >= 1, or `off`, got `"0"`'),
      );
      expect(() => optionsFromEnv('CB_API', { CB_API_FAILURE_RATE_THRESHOLD: '1.5' })).toThrow(
        new RangeError(
          'Expected `CB_API_FAILURE_RATE_THRESHOLD` to be a number in (0, 1], `adaptive`, or `off`, got `"1.5"`',
        ),
      );
      expect(() => optionsFromEnv('CB_API', { CB_API_TIMEOUT: '0ms' })).toThrow(RangeError);
      expect(() => optionsFromEnv('CB_API', { CB_API_BACKOFF_MULTIPLIER: '0.5' })).toThrow(RangeError);
      expect(() => optionsFromEnv('CB_API', { CB_API_LATENCY_SAMPLING: '2' })).toThrow(RangeError);
    });

    it('a value that conflicts with a default of its nested option names the variable (found by fuzzing)', () => {
      // A window of 0.5 ms cannot hold the default 10 buckets: the error is about `window.buckets`,
      // which no variable set, but WINDOW_DURATION is the one to fix.
      expect(() => optionsFromEnv('CB_API', { CB_API_WINDOW_DURATION: '0.5' })).toThrow(
        /^`CB_API_WINDOW_DURATION` \(`"0\.5"`\): Expected `window\.buckets` to be at most window\.duration/,
      );
      expect(() => optionsFromEnv('CB_API', { CB_API_WINDOW_SIZE: '2000000' })).toThrow(
        /^`CB_API_WINDOW_SIZE` \(`"2000000"`\): Expected `window\.size` to be an integer from 1 to 1000000/,
      );
    });

    it('an alias and its canonical name both set', () => {
      expect(() =>
        optionsFromEnv('CB_API', { CB_API_RESET_TIMEOUT: '30s', CB_API_RECOVERY_TIMEOUT_SECONDS: '30' }),
      ).toThrow(
        new TypeError(
          'Both `CB_API_RESET_TIMEOUT` (`"30s"`) and its legacy alias `CB_API_RECOVERY_TIMEOUT_SECONDS` (`"30"`) ' +
            'are set; expected only one of them',
        ),
      );
      for (const [canonical, alias, a, b] of [
        ['MINIMUM_CALLS', 'MINIMUM_REQUEST_THRESHOLD', '5', '5'],
        ['TIMEOUT', 'REQUEST_TIMEOUT_SECONDS', '1s', '1'],
        ['BACKOFF', 'EXPONENTIAL_BACKOFF', 'true', 'true'],
        ['BACKOFF_MAX', 'MAX_BACKOFF_SECONDS', '1m', '60'],
        ['SLOW_CALL_DURATION', 'SLOW_CALL_THRESHOLD_MS', '1s', '1000'],
      ]) {
        expect(() =>
          optionsFromEnv('CB_API', { [`CB_API_${canonical}`]: a, [`CB_API_${alias}`]: b }),
        ).toThrow(`\`CB_API_${alias}\``);
      }
    });

    it('a near miss, naming the right variable', () => {
      expect(() => optionsFromEnv('CB_API', { CB_API_FAILURE_TRESHOLD: '3' })).toThrow(
        new TypeError(
          'Unknown variable `CB_API_FAILURE_TRESHOLD` (set to `"3"`); expected a known name: ' +
            'did you mean `CB_API_FAILURE_THRESHOLD`?',
        ),
      );
      expect(() => optionsFromEnv('CB_API', { CB_API_TIMEOTU: '1s' })).toThrow(
        /did you mean `CB_API_TIMEOUT`\?/,
      );
      expect(() => optionsFromEnv('CB_API', { CB_API_RESET_TIMOUT: '1s' })).toThrow(/`CB_API_RESET_TIMEOUT`/);
    });

    it('ignores names of breakers whose name extends the prefix, and other unknown names', () => {
      const env = {
        CB_API_REST_TIMEOUT: '1s', // breaker "api-rest": REST_TIMEOUT is within distance 2 of RESET_TIMEOUT
        CB_DB_1_TIMEOUT: '1s', // breaker "db-1"
        CB_API_V2_FAILURE_THRESHOLD: '9',
        CB_API_SOMETHING_ELSE: 'x',
        CB_API_FAILURE_THRESHOLDS_EXTRA: '1',
      };
      expect(optionsFromEnv('CB_API', env)).toEqual({});
      expect(optionsFromEnv('CB_DB_', env)).toEqual({});
    });

    it('a value that is not a string', () => {
      expect(() => optionsFromEnv('CB_A', { CB_A_TIMEOUT: 5 as never })).toThrow(
        new TypeError('Expected `CB_A_TIMEOUT` to be a string, got `5`'),
      );
    });

    it('a bad prefix or env', () => {
      expect(() => optionsFromEnv('', {})).toThrow(TypeError);
      expect(() => optionsFromEnv('_', {})).toThrow(TypeError);
      expect(() => optionsFromEnv('CB_A', null as never)).toThrow(TypeError);
    });
  });

  it('empty values count as unset', () => {
    expect(optionsFromEnv('CB_A', { CB_A_FAILURE_THRESHOLD: '', CB_A_TIMEOUT: '  ' })).toEqual({});
  });

  it('no variable can set anything but a known option (no prototype pollution)', () => {
    const env = JSON.parse(
      '{"CB_A___proto__":"1","CB_A_CONSTRUCTOR":"1","CB_A___PROTO___POLLUTED":"yes","CB_A_TO_STRING":"x",' +
        '"CB_A_HAS_OWN_PROPERTY":"x","CB_A_FAILURE_THRESHOLD":"2"}',
    ) as Record<string, string>;
    const options = optionsFromEnv('CB_A', env);
    expect(options).toEqual({ failureThreshold: 2 });
    expect(Object.getPrototypeOf(options)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  describe('process.env', () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    });

    it('is the default env', () => {
      process.env.CB_ENVTEST_FAILURE_THRESHOLD = '4';
      expect(optionsFromEnv('CB_ENVTEST')).toEqual({ failureThreshold: 4 });
      expect(CircuitBreaker.fromEnv('envtest').options.failureThreshold).toBe(4);
    });
  });
});

describe('CircuitBreaker.fromEnv', () => {
  it('names the breaker and reads CB_<NAME_IN_UPPER_SNAKE>_ by default', () => {
    const env = { CB_EMAIL_SERVICE_FAILURE_THRESHOLD: '3', CB_EMAIL_SERVICE_RESET_TIMEOUT: '30s' };
    const breaker = CircuitBreaker.fromEnv('email-service', { env });
    expect(breaker.name).toBe('email-service');
    expect(breaker.options.failureThreshold).toBe(3);
    expect(breaker.options.resetTimeout).toBe(30_000);
    expect(CircuitBreaker.fromEnv('emailService', { env }).options.failureThreshold).toBe(3);
  });

  it('takes a prefix, with or without its trailing `_`', () => {
    const env = { PAY_TIMEOUT: '2s' };
    expect(CircuitBreaker.fromEnv('payments', { prefix: 'PAY', env }).options.timeout).toBe(2000);
    expect(CircuitBreaker.fromEnv('payments', { prefix: 'PAY_', env }).options.timeout).toBe(2000);
  });

  it('cross-option errors come from the breaker; env errors name the variable', () => {
    expect(() =>
      CircuitBreaker.fromEnv('a', { env: { CB_A_WINDOW_SIZE: '5', CB_A_MINIMUM_CALLS: '10' } }),
    ).toThrow(/minimumCalls/);
    expect(() => CircuitBreaker.fromEnv('a', { env: { CB_A_TIMEOUT: 'soon' } })).toThrow(/`CB_A_TIMEOUT`/);
    expect(() => CircuitBreaker.fromEnv('', { env: {} })).toThrow(TypeError);
  });

  it('derives the prefix in UPPER_SNAKE', () => {
    expect(envPrefix('payment-api')).toBe('CB_PAYMENT_API_');
    expect(envPrefix('emailService')).toBe('CB_EMAIL_SERVICE_');
    expect(envPrefix('HTTPClient')).toBe('CB_HTTP_CLIENT_');
    expect(envPrefix('db.primary:1')).toBe('CB_DB_PRIMARY_1_');
  });
});

describe('adaptive protection from the environment', () => {
  it('reads the adaptive threshold and the throttle by their names', () => {
    expect(optionsFromEnv('CB_X', { CB_X_FAILURE_RATE_THRESHOLD: 'adaptive' })).toEqual({
      failureRateThreshold: { adaptive: true },
    });
    expect(
      optionsFromEnv('CB_X', {
        CB_X_ADAPTIVE_MIN: '0.02',
        CB_X_ADAPTIVE_MAX: '0.4',
        CB_X_ADAPTIVE_SENSITIVITY: '1.5',
      }),
    ).toEqual({ failureRateThreshold: { adaptive: true, min: 0.02, max: 0.4, sensitivity: 1.5 } });
    expect(
      optionsFromEnv('CB_X', {
        CB_X_THROTTLE_K: '1.5',
        CB_X_THROTTLE_DURATION: '1m',
        CB_X_THROTTLE_MAX_REJECTION: '0.8',
      }),
    ).toEqual({ throttle: { k: 1.5, duration: 60_000, maxRejection: 0.8 } });
    expect(optionsFromEnv('CB_X', { CB_X_THROTTLE: 'yes' })).toEqual({ throttle: true });
    expect(CircuitBreaker.fromEnv('x', { env: { CB_X_THROTTLE: 'true' } }).options.throttle).toEqual({
      k: 2,
      duration: 120_000,
      maxRejection: 0.9,
    });
  });

  it('refuses contradictions and bad values, naming the variable', () => {
    expect(() =>
      optionsFromEnv('CB_X', { CB_X_FAILURE_RATE_THRESHOLD: '0.5', CB_X_ADAPTIVE_MAX: '0.4' }),
    ).toThrow(/`CB_X_FAILURE_RATE_THRESHOLD` is `"0.5"` but `CB_X_ADAPTIVE_MAX` is set/);
    expect(() => optionsFromEnv('CB_X', { CB_X_THROTTLE: 'false', CB_X_THROTTLE_K: '2' })).toThrow(
      /`CB_X_THROTTLE` is `"false"` but `CB_X_THROTTLE_K` is set/,
    );
    expect(() => optionsFromEnv('CB_X', { CB_X_THROTTLE_K: '0.5' })).toThrow(/`CB_X_THROTTLE_K`/);
    expect(() => optionsFromEnv('CB_X', { CB_X_THROTLE_K: '2' })).toThrow(/did you mean `CB_X_THROTTLE_K`/);
    expect(() => optionsFromEnv('CB_X', { CB_X_ADAPTIVE_MIN: '0.6', CB_X_ADAPTIVE_MAX: '0.5' })).toThrow(
      /`CB_X_ADAPTIVE_MIN`.*failureRateThreshold.min/,
    );
  });
});
