package io.github.busypool.check.haproxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Who may report HAProxy's view of this server: any client that reaches the check, or
 * only checks on the dedicated check port, and only from the given address ranges. A
 * header from anyone else is ignored; the check itself is answered all the same.
 * <p>
 * Ranges are written as an address ({@code 10.0.0.7}, {@code ::1}) or in CIDR notation
 * ({@code 10.0.0.0/8}). The client address is the one Tomcat reports, so with
 * {@code server.forward-headers-strategy} set it may come from a forwarding header, which
 * only trusted proxies can set.
 */
public final class StateReporters {

	private static final StateReporters ANYONE = new StateReporters(false, List.of());

	private final boolean checkPortOnly;

	private final List<Range> ranges;

	private StateReporters(boolean checkPortOnly, List<Range> ranges) {
		this.checkPortOnly = checkPortOnly;
		this.ranges = ranges;
	}

	/**
	 * Any client may report.
	 * @return the policy
	 */
	public static StateReporters anyone() {
		return ANYONE;
	}

	/**
	 * Creates a policy.
	 * @param checkPortOnly whether only checks on the dedicated check port may report
	 * @param ranges the address ranges that may report; empty for any
	 * @return the policy
	 * @throws IllegalArgumentException if a range is not an address or CIDR range
	 */
	public static StateReporters of(boolean checkPortOnly, List<String> ranges) {
		List<Range> parsed = new ArrayList<>();
		for (String range : ranges) {
			parsed.add(Range.parse(range));
		}
		return new StateReporters(checkPortOnly, List.copyOf(parsed));
	}

	/**
	 * Whether a check may report.
	 * @param onCheckPort whether it arrived on the dedicated check port
	 * @param remoteAddress the client's address, as a literal
	 * @return whether its header may be recorded
	 */
	public boolean accepts(boolean onCheckPort, String remoteAddress) {
		if (this.checkPortOnly && !onCheckPort) {
			return false;
		}
		if (this.ranges.isEmpty()) {
			return true;
		}
		byte[] address = literal(remoteAddress);
		if (address == null) {
			return false;
		}
		for (Range range : this.ranges) {
			if (range.contains(address)) {
				return true;
			}
		}
		return false;
	}

	/** Parses an address literal without any name lookup. */
	private static byte[] literal(String address) {
		if (address == null || address.isEmpty()) {
			return null;
		}
		if (!isLiteral(address)) {
			return null;
		}
		try {
			// A literal (digits, dots, hex and colons) is parsed, never looked up.
			return InetAddress.getByName(address).getAddress();
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

	private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

	private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

	private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");

	/**
	 * Digits and dots, or hex digits and dots with a colon: never a host name. Compiled
	 * once: this runs for every check that carries HAProxy's view.
	 */
	private static boolean isLiteral(String host) {
		return IPV4.matcher(host).matches() || IPV6.matcher(host).matches();
	}

	/** An address range: the address and how many leading bits must match. */
	private record Range(byte[] network, int bits) {

		static Range parse(String text) {
			String value = (text != null) ? text.trim() : "";
			int slash = value.indexOf('/');
			String host = (slash < 0) ? value : value.substring(0, slash);
			byte[] address = isLiteral(host) ? literal(host) : null;
			if (address == null) {
				throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range "
						+ "(for example 10.0.0.0/8, 192.168.1.7 or ::1)");
			}
			int bits = address.length * 8;
			if (slash >= 0) {
				String suffix = value.substring(slash + 1);
				int prefix = PREFIX.matcher(suffix).matches() ? Integer.parseInt(suffix) : -1;
				if (prefix < 0 || prefix > bits) {
					throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0 to " + bits);
				}
				bits = prefix;
			}
			return new Range(address, bits);
		}

		boolean contains(byte[] address) {
			byte[] candidate = address;
			if (candidate.length != this.network.length) {
				candidate = mapped(candidate, this.network.length);
				if (candidate == null) {
					return false;
				}
			}
			// The first bits/8 whole bytes must be equal, then the top bits%8 of the next.
			int whole = this.bits / 8;
			for (int i = 0; i < whole; i++) {
				if (candidate[i] != this.network[i]) {
					return false;
				}
			}
			int rest = this.bits % 8;
			int mask = (0xff << (8 - rest)) & 0xff;
			return rest == 0 || (candidate[whole] & mask) == (this.network[whole] & mask);
		}

		/** An IPv4 address as IPv4-mapped IPv6, or the reverse; null if it is neither. */
		private static byte[] mapped(byte[] address, int length) {
			if (address.length == 4 && length == 16) {
				byte[] v6 = new byte[16];
				v6[10] = (byte) 0xff;
				v6[11] = (byte) 0xff;
				System.arraycopy(address, 0, v6, 12, 4);
				return v6;
			}
			if (address.length == 16 && length == 4) {
				for (int i = 0; i < 10; i++) {
					if (address[i] != 0) {
						return null;
					}
				}
				if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
					return null;
				}
				byte[] v4 = new byte[4];
				System.arraycopy(address, 12, v4, 0, 4);
				return v4;
			}
			return null;
		}

	}

}
