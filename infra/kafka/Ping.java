// Exit 0 when a Kafka broker at the given address answers describeCluster, 1 otherwise.
// Run as a single-file source program: java -cp "libs/*" Ping.java 127.0.0.1:9092
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

public class Ping {
  public static void main(String[] args) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    try (Admin admin = Admin.create(props)) {
      int nodes = admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).size();
      System.exit(nodes > 0 ? 0 : 1);
    } catch (Exception e) {
      System.exit(1);
    }
  }
}
