// One JVM for Jing over many schemas and files (bench/validate.sh): each argument is a list file whose first line
// is a schema and whose other lines are the files to validate against it, as `jing -i SCHEMA FILE...` does (no
// ID/IDREF checks). Each schema is loaded once. Prints "valid invalid" counts per list; errors are not printed.
import com.thaiopensource.util.PropertyMapBuilder;
import com.thaiopensource.validate.ValidateProperty;
import com.thaiopensource.validate.ValidationDriver;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

public class JingBatch {
    public static void main(String[] args) throws Exception {
        ErrorHandler quiet = new ErrorHandler() {
            public void warning(SAXParseException e) {}
            public void error(SAXParseException e) {}
            public void fatalError(SAXParseException e) {}
        };
        PropertyMapBuilder instance = new PropertyMapBuilder();
        instance.put(ValidateProperty.ERROR_HANDLER, quiet);
        for (String listFile : args) {
            List<String> lines = Files.readAllLines(Paths.get(listFile));
            ValidationDriver driver = new ValidationDriver(new PropertyMapBuilder().toPropertyMap(), instance.toPropertyMap());
            if (!driver.loadSchema(ValidationDriver.fileInputSource(lines.get(0)))) throw new Exception("schema " + lines.get(0));
            int valid = 0, invalid = 0;
            for (String file : lines.subList(1, lines.size())) {
                if (file.isEmpty()) continue;
                boolean ok;
                try { ok = driver.validate(ValidationDriver.fileInputSource(file)); } catch (Exception e) { ok = false; }
                if (ok) valid++; else invalid++;
            }
            System.out.println(lines.get(0) + ": " + valid + " valid, " + invalid + " invalid");
        }
    }
}
