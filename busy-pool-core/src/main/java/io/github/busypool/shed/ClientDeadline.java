package io.github.busypool.shed;

/**
 * Reads how long a request's client will wait for its answer, from the headers that carry
 * it: Envoy's {@code x-envoy-expected-rq-timeout-ms} (milliseconds) and gRPC's
 * {@code grpc-timeout} (up to 8 digits and a unit: {@code H}, {@code M}, {@code S},
 * {@code m}, {@code u} or {@code n}, for example {@code 950m}).
 * <p>
 * A value that is malformed, not positive, or longer than {@link #MAX_MILLIS} is
 * {@link #INVALID}: it is ignored, never thrown about. Parsing allocates nothing.
 */
public final class ClientDeadline {

	/** The request carries no deadline. */
	public static final long ABSENT = -1;

	/** The request carries a deadline that cannot be read or believed. */
	public static final long INVALID = -2;

	/** Longer deadlines are not believed (a day): a broken header, not a client. */
	public static final long MAX_MILLIS = 86_400_000L;

	/** Envoy's header: the route's timeout, in milliseconds. */
	public static final String ENVOY_HEADER = "x-envoy-expected-rq-timeout-ms";

	/** gRPC's header: the call's remaining time, in its own format. */
	public static final String GRPC_HEADER = "grpc-timeout";

	private ClientDeadline() {
	}

	/**
	 * Reads a deadline, Envoy's header first.
	 * @param envoy the value of {@value #ENVOY_HEADER}, or {@code null}
	 * @param grpc the value of {@value #GRPC_HEADER}, or {@code null}
	 * @return the deadline in milliseconds from when the request was sent, or
	 * {@link #ABSENT} or {@link #INVALID}
	 */
	public static long millis(String envoy, String grpc) {
		if (envoy != null) {
			return envoyMillis(envoy);
		}
		return (grpc != null) ? grpcMillis(grpc) : ABSENT;
	}

	/**
	 * Reads Envoy's header: decimal milliseconds.
	 * @param value the header's value
	 * @return milliseconds, or {@link #INVALID}
	 */
	public static long envoyMillis(String value) {
		return believed(digits(value, 0, value.length(), 10));
	}

	/**
	 * Reads gRPC's header: 1 to 8 digits and a unit.
	 * @param value the header's value
	 * @return milliseconds (a deadline under one is rounded up to one), or {@link #INVALID}
	 */
	public static long grpcMillis(String value) {
		int length = value.length();
		if (length < 2) {
			return INVALID;
		}
		long amount = digits(value, 0, length - 1, 8);
		if (amount < 0) {
			return INVALID;
		}
		long millis = switch (value.charAt(length - 1)) {
			case 'H' -> amount * 3_600_000L;
			case 'M' -> amount * 60_000L;
			case 'S' -> amount * 1_000L;
			case 'm' -> amount;
			case 'u' -> ceilDiv(amount, 1_000L);
			case 'n' -> ceilDiv(amount, 1_000_000L);
			default -> INVALID;
		};
		return believed(millis);
	}

	private static long ceilDiv(long amount, long by) {
		return (amount + by - 1) / by;
	}

	private static long believed(long millis) {
		return (millis > 0 && millis <= MAX_MILLIS) ? millis : INVALID;
	}

	/** The decimal number in {@code [from, to)}, of at most {@code max} digits, or -1. */
	private static long digits(String value, int from, int to, int max) {
		if (to - from < 1 || to - from > max) {
			return -1;
		}
		long n = 0;
		for (int i = from; i < to; i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			n = n * 10 + (c - '0');
		}
		return n;
	}

}
