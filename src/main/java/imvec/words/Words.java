package imvec.words;

import java.util.Locale;

/** Text rules shared by readers and concept resolution. */
final class Words {
    private Words() {
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
