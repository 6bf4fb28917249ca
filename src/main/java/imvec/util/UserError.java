package imvec.util;

/**
 * A problem with what the user gave us (a file, a flag, a dataset). The CLI prints the message
 * as one sentence and exits non-zero without a stack trace, so messages must name the input
 * and say what is wrong with it.
 */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
